//! The create-server form: menus from the live API that follow each other.

use leptos::prelude::*;

use super::server_fns::CreateServer;
use crate::components::{form_error, hint_id, ErrorNotice, Field, Loaded, SubmitButton};
use crate::error::AppError;
use crate::providers::Provider;
use model::provisioning::{CreateServerChoices, Currency, Image, Size};

/// What the user picked so far; the menus below follow it.
#[derive(Clone, Copy)]
struct Picked {
    name: RwSignal<String>,
    location: RwSignal<String>,
    server_type: RwSignal<String>,
}

#[component]
pub fn CreateServerForm(
    connection_id: String,
    provider: Provider,
    choices: Resource<Result<CreateServerChoices, AppError>>,
) -> impl IntoView {
    let create = ServerAction::<CreateServer>::new();
    let error = form_error(create);
    let picked = Picked {
        name: RwSignal::new(String::new()),
        location: RwSignal::new(String::new()),
        server_type: RwSignal::new(String::new()),
    };
    view! {
        <section class="card" aria-labelledby="create-title">
            <h2 id="create-title">"Create a server"</h2>
            <Loaded resource=choices loading=provider.loading_catalogue() let:choices>
                {
                    let choices = StoredValue::new(choices);
                    let form_connection_id = connection_id.clone();
                    picked.start_at_first_location(choices);
                    view! {
                        <ActionForm action=create>
                            <ErrorNotice error=error />
                            <input type="hidden" name="id" value=form_connection_id />
                            <div class="form-grid">
                                <NameField name=picked.name />
                                <LocationField choices picked provider />
                                <ServerTypeField choices picked provider />
                                <ImageField choices picked />
                            </div>
                            <SshKeysField choices />
                            <SubmitButton
                                pending=create.pending()
                                label="Create server"
                                busy_label="Creating…"
                            />
                        </ActionForm>
                    }
                }
            </Loaded>
        </section>
    }
}

impl Picked {
    /// Before the user picks, the first location is picked.
    fn start_at_first_location(self, choices: StoredValue<CreateServerChoices>) {
        if self.location.get_untracked().is_empty() {
            let first =
                choices.with_value(|c| c.catalogue.locations.first().map(|l| l.name.clone()));
            self.location.set(first.unwrap_or_default());
        }
    }
}

/// Server types sold in the picked location.
fn types_here(choices: StoredValue<CreateServerChoices>, picked: Picked) -> Vec<Size> {
    let here = picked.location.get();
    choices.with_value(|c| {
        c.catalogue
            .sizes
            .iter()
            .filter(|t| t.price_in(&here).is_some())
            .cloned()
            .collect()
    })
}

/// The picked type if it is sold here, else the first one that is.
fn chosen_type(choices: StoredValue<CreateServerChoices>, picked: Picked) -> Option<Size> {
    let types = types_here(choices, picked);
    let wanted = picked.server_type.get();
    types
        .iter()
        .find(|t| t.name == wanted)
        .or(types.first())
        .cloned()
}

#[component]
fn NameField(name: RwSignal<String>) -> impl IntoView {
    let invalid = move || {
        let n = name.get();
        !n.is_empty() && !model::limits::is_valid_server_name(&n)
    };
    let hint = move || {
        if invalid() {
            "Letters, digits and hyphens; no hyphen at the start or end of a part."
        } else {
            "A host name, e.g. web-1."
        }
    };
    view! {
        <Field id="server-name" label="Name" hint=Signal::derive(move || Some(hint().to_string()))>
            <input
                id="server-name"
                name="name"
                type="text"
                required
                maxlength="253"
                pattern=model::limits::SERVER_NAME_PATTERN
                aria-describedby=hint_id("server-name")
                aria-invalid=move || invalid().to_string()
                on:input=move |ev| name.set(event_target_value(&ev))
            />
        </Field>
    }
}

#[component]
fn LocationField(
    choices: StoredValue<CreateServerChoices>,
    picked: Picked,
    provider: Provider,
) -> impl IntoView {
    view! {
        <Field id="server-location" label=provider.place_word()>
            <select
                id="server-location"
                name="location"
                on:change=move |ev| picked.location.set(event_target_value(&ev))
            >
                {choices
                    .with_value(|c| c.catalogue.locations.clone())
                    .into_iter()
                    .map(|l| {
                        let selected = l.name == picked.location.get_untracked();
                        view! {
                            <option value=l.name selected=selected>
                                {l.description}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </Field>
    }
}

/// E.g. `CX22 — 2 vCPU shared, 4 GB RAM, 40 GB disk, x86 — €4.51/month`;
/// parts a provider does not have are left out.
pub(crate) fn type_option_text(t: &Size, location: &str, currency: Currency) -> String {
    let cores = format!("{} vCPU {}", t.cores, t.cpu_type);
    let memory = format!("{} GB RAM", t.memory_gb);
    let disk = format!("{} GB disk", t.disk_gb);
    let specs: Vec<&str> = [cores.trim_end(), &memory, &disk, &t.architecture]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect();
    let price = t
        .price_in(location)
        .map(|p| currency.monthly(p))
        .unwrap_or_default();
    let recommended = if t.recommended_in(location) {
        " — Recommended here"
    } else {
        ""
    };
    format!(
        "{} — {} — {price}{recommended}",
        t.description,
        specs.join(", ")
    )
}

#[component]
fn ServerTypeField(
    choices: StoredValue<CreateServerChoices>,
    picked: Picked,
    provider: Provider,
) -> impl IntoView {
    let currency = choices.with_value(|c| c.catalogue.currency);
    view! {
        <div class="field field-wide">
            <label for="server-type">{provider.size_word()}</label>
            <select
                id="server-type"
                name="server_type"
                on:change=move |ev| picked.server_type.set(event_target_value(&ev))
            >
                {move || {
                    let here = picked.location.get();
                    let chosen = chosen_type(choices, picked).map(|t| t.name);
                    types_here(choices, picked)
                        .into_iter()
                        .map(|t| {
                            let text = type_option_text(&t, &here, currency);
                            let selected = Some(&t.name) == chosen.as_ref();
                            view! {
                                <option value=t.name selected=selected>
                                    {text}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
            <p class="hint">
                {format!(
                    "Only types {} can deliver in this location now; {}.",
                    provider.name(),
                    currency.note(),
                )}
            </p>
        </div>
    }
}

#[component]
fn ImageField(choices: StoredValue<CreateServerChoices>, picked: Picked) -> impl IntoView {
    let images = move || {
        let arch = chosen_type(choices, picked)
            .map(|t| t.architecture)
            .unwrap_or_default();
        let here = picked.location.get();
        choices.with_value(|c| {
            c.catalogue
                .images
                .iter()
                .filter(|i| i.architecture == arch && i.usable_in(&here))
                .cloned()
                .collect::<Vec<Image>>()
        })
    };
    view! {
        <Field id="server-image" label="Image">
            <select id="server-image" name="image">
                {move || {
                    images()
                        .into_iter()
                        .map(|i| {
                            view! {
                                <option value=i
                                    .id
                                    .to_string()>
                                    {if i.architecture.is_empty() {
                                        i.description
                                    } else {
                                        format!("{} ({})", i.description, i.architecture)
                                    }}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
        </Field>
    }
}

#[component]
fn SshKeysField(choices: StoredValue<CreateServerChoices>) -> impl IntoView {
    view! {
        <fieldset class="field">
            <legend>"SSH keys"</legend>
            {choices
                .with_value(|c| c.ssh_keys.clone())
                .into_iter()
                .enumerate()
                .map(|(n, k)| {
                    let input_id = format!("key-{}", k.id);
                    view! {
                        <div class="checkbox">
                            <input
                                type="checkbox"
                                id=input_id.clone()
                                name=format!("ssh_keys[{n}]")
                                value=k.id.to_string()
                                checked=k.is_potions_key
                                disabled=k.is_potions_key
                            />
                            <label for=input_id>
                                {k.name.clone()}
                                {k.is_potions_key.then_some(" (Potions key, always included)")}
                            </label>
                        </div>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}
