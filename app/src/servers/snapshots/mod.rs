//! A server's snapshots: the list, taking and deleting one (`list.rs`), the
//! schedule that takes them (`schedule.rs`), and their server functions.

mod list;
mod schedule;
pub mod server_fns;

pub use list::SnapshotsCard;
pub use schedule::ScheduleCard;
