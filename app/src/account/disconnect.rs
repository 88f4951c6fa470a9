//! Disconnect, behind a page that says what it does and does not do.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::components::{form_error, ErrorNotice, Loaded, SubmitButton};
use crate::connections::server_fns::{list_connections, DisconnectConnection};
use crate::connections::ConnectionSummary;
use crate::error::{AppError, Refusal};
use crate::paths::ACCOUNT;
use crate::providers::Provider;

#[component]
pub fn DisconnectPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let connections = Resource::new(|| (), |_| list_connections());
    let disconnect = ServerAction::<DisconnectConnection>::new();
    view! {
        <leptos_meta::Title text="Disconnect" />
        <Loaded resource=connections signed_in=true let:list>
            {match list.into_iter().find(|c| c.id == id()) {
                None => {
                    view! {
                        <ErrorNotice error=AppError(Refusal::ConnectionNotFound) />
                        <A href=ACCOUNT>"Back to Account"</A>
                    }
                        .into_any()
                }
                Some(connection) => view! { <ConfirmDisconnect connection disconnect /> }.into_any(),
            }}
        </Loaded>
    }
}

#[component]
fn ConfirmDisconnect(
    connection: ConnectionSummary,
    disconnect: ServerAction<DisconnectConnection>,
) -> impl IntoView {
    let error = form_error(disconnect);
    let provider = connection.provider;
    view! {
        <section class="card narrow" aria-labelledby="disconnect-title">
            <h1 id="disconnect-title">
                {format!("Disconnect \u{201c}{}\u{201d}?", connection.label)}
            </h1>
            <ul class="consequences">
                <li>
                    {format!(
                        "Potions removes its encrypted token for this {} project.",
                        provider.name(),
                    )}
                </li>
                {(provider == Provider::DigitalOcean)
                    .then(|| {
                        view! {
                            <li>
                                "Potions revokes its access at DigitalOcean first, so the team no \
                                    longer lists it as an authorized application."
                            </li>
                        }
                    })}
                <li>
                    {format!(
                        "Servers that were already created keep running on {}: Potions doesn't \
                            delete or modify them, and apps already deployed keep running.",
                        provider.short_name(),
                    )}
                </li>
                <li>
                    "You won't be able to provision additional servers in this project until you reconnect it."
                </li>
                <li>
                    {format!(
                        "You can always manage these servers directly in the {}.",
                        provider.console_name(),
                    )}
                </li>
            </ul>
            <ActionForm action=disconnect>
                <ErrorNotice error=error />
                <input type="hidden" name="id" value=connection.id />
                <div class="actions">
                    <SubmitButton
                        pending=disconnect.pending()
                        label="Disconnect"
                        busy_label="Disconnecting…"
                        variant="danger"
                    />
                    <A href=ACCOUNT attr:class="button button-secondary">
                        "Cancel"
                    </A>
                </div>
            </ActionForm>
        </section>
    }
}
