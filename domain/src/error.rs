use thiserror::Error;

/// Everything the domain can refuse or fail at. The web layer maps each
/// variant to the message a user reads, in one place.
#[derive(Debug, Error)]
pub enum DomainError {
    #[error("invalid email address")]
    InvalidEmail,
    #[error("password does not meet the policy")]
    WeakPassword,
    #[error("an account with this email already exists")]
    EmailTaken,
    #[error("wrong email or password")]
    InvalidCredentials,
    #[error("too many failed sign-ins; retry in {retry_after_secs} s")]
    Throttled { retry_after_secs: i64 },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("password hashing failed")]
    Hashing,
    #[error("not a Hetzner API token")]
    MalformedToken,
    #[error("label longer than 64 characters")]
    LabelTooLong,
    #[error("Hetzner rejected the token")]
    TokenRejected,
    #[error("the token is read-only")]
    TokenReadOnly,
    #[error("Hetzner rate limit; retry in {retry_after_secs} s")]
    HetznerRateLimited { retry_after_secs: i64 },
    #[error("Hetzner unreachable or failing")]
    HetznerUnreachable,
    #[error("token already connected")]
    AlreadyConnected { label: String },
    #[error("no such connection")]
    ConnectionNotFound,
    #[error("no such session")]
    SessionNotFound,
    #[error("wrong password")]
    WrongPassword,
    #[error("the TOTP or recovery code did not match")]
    SecondFactorWrong,
    #[error("no sign-in is waiting for a second step")]
    SecondStepExpired,
    #[error("the code does not confirm the new authenticator")]
    EnrolmentCodeWrong,
    #[error("two-factor sign-in is not being set up")]
    TotpNotEnrolling,
    #[error("two-factor sign-in is already on")]
    TotpAlreadyOn,
    #[error("passkeys need Potions at a domain name")]
    PasskeysUnavailable,
    #[error("the passkey request expired or was used")]
    PasskeyExpired,
    #[error("the passkey was refused")]
    PasskeyRefused,
    #[error("no such passkey")]
    PasskeyNotFound,
    #[error("invalid passkey name")]
    InvalidPasskeyName,
    #[error(transparent)]
    Crypto(#[from] crate::crypto::CryptoError),
    #[error("the connection needs attention")]
    NeedsAttention,
    #[error("invalid server name")]
    InvalidServerName,
    #[error("server name taken")]
    ServerNameTaken,
    #[error("server type not available in that location")]
    ServerTypeUnavailable { available_in: Vec<String> },
    #[error("project limit reached")]
    ProjectLimitReached,
    #[error("server is delete-protected")]
    ServerProtected,
    #[error("no such server")]
    ServerNotFound,
    #[error("invalid server request: {fields:?}")]
    InvalidServerRequest { fields: Vec<String> },
    #[error("confirmation does not match")]
    ConfirmationMismatch,
    #[error("invalid SSH key name")]
    InvalidKeyName,
    #[error("not an OpenSSH public key")]
    InvalidPublicKey,
    #[error("SSH key name taken")]
    KeyNameTaken,
    #[error("DigitalOcean is not set up on this instance")]
    DigitalOceanNotSetUp,
    #[error("DigitalOcean refused Potions' client id or secret")]
    DigitalOceanMisconfigured,
    #[error("OAuth state missing, foreign, reused or expired")]
    OAuthStateInvalid,
    #[error("access denied at the provider")]
    OAuthDenied,
    #[error("the provider refused the authorization code")]
    OAuthCodeRefused,
    #[error("the grant lacks a permission Potions needs")]
    DigitalOceanMissingPermission,
    #[error("the DigitalOcean account is locked")]
    DigitalOceanAccountLocked,
    #[error("the DigitalOcean account's email is not verified")]
    DigitalOceanEmailNotVerified,
    #[error("DigitalOcean unreachable or failing")]
    DigitalOceanUnreachable,
    #[error("DigitalOcean rate limit; retry in {retry_after_secs} s")]
    DigitalOceanRateLimited { retry_after_secs: i64 },
    #[error("DigitalOcean no longer accepts Potions' access")]
    DigitalOceanAccessLost,
    /// DigitalOcean's own words (422 or 400), for display only.
    #[error("DigitalOcean refused the request: {message}")]
    DigitalOceanRefused { message: String },
    #[error("reconnected with another team")]
    ReconnectOtherTeam { team_name: String },
}

impl DomainError {
    /// True when the database reports a unique-constraint violation.
    pub fn is_unique_violation(err: &sqlx::Error) -> bool {
        matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
    }
}
