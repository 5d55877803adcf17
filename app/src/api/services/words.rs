//! The words of the add-ons and previews, written for the customer's language: the view models
//! the services page and the preview show, built on the server from the domain's state.

use selfcare::locale::Language;
use selfcare::money::Money;
use selfcare::services::addons::{Addon, BillingPeriod, LineServices, Preview, When};
use selfcare::services::requests::RequestKind;

use super::{ActiveRow, AddonsView, CatalogCard, CatalogState, PreviewView, ScheduledRow};

/// "399,00 Kč per month", "99,00 Kč one-off".
pub fn price_text(price: Money, period: BillingPeriod, language: Language) -> String {
    format!("{} {}", price.format(language), period.per())
}

/// What the commitment of a catalog add-on means, in words.
pub fn commitment_text(addon: &Addon, language: Language) -> String {
    if addon.billing_period == BillingPeriod::Once {
        return "One-off: it runs until the end of the period and then ends by itself.".into();
    }
    match (addon.commitment_months, addon.early_end_fee) {
        (0, _) => "No commitment: end it any time.".into(),
        (months, Some(fee)) => format!(
            "{months}-month commitment. Ending it earlier costs {}.",
            fee.format(language)
        ),
        (months, None) => format!("{months}-month commitment. It cannot be ended earlier."),
    }
}

/// The confirm button's words.
fn confirm_label(preview: &Preview) -> String {
    match preview.kind {
        RequestKind::End => format!("Confirm: end {}", preview.name),
        RequestKind::Switch => format!("Confirm: switch to {}", preview.name),
        _ => format!("Confirm: take {}", preview.name),
    }
}

/// The facts of a previewed change: what it costs now and each period, when it takes
/// effect, the commitment it starts and what it replaces.
pub fn preview_view(preview: &Preview, lang: Language) -> PreviewView {
    let on = lang.format_date(preview.effective_on);
    let starts_now = preview.change.when() == When::Now;
    let effect = match (preview.kind, starts_now) {
        (RequestKind::End, true) => format!("Ends now ({on})"),
        (RequestKind::End, false) => format!("Ends at the end of this period: on {on}"),
        (_, true) => format!("Starts now ({on})"),
        (_, false) => format!("Starts with the next period: on {on}"),
    };
    let cost_heading = if starts_now {
        "Costs now".to_string()
    } else {
        format!("Costs on {on}")
    };
    let mut cost = if preview.charge.is_zero() {
        "Nothing".to_string()
    } else {
        preview.charge.format(lang)
    };
    if preview.pro_rata {
        cost.push_str(" (the rest of this period, pro rata)");
    }
    if !preview.charge.is_zero() {
        cost.push_str(if preview.from_credit {
            ", taken from your credit"
        } else {
            ", on your next invoice"
        });
    }
    PreviewView {
        name_term: if preview.kind == RequestKind::End {
            "Add-on to end"
        } else {
            "Add-on"
        }
        .to_string(),
        name: preview.name.clone(),
        effect,
        cost_heading,
        cost,
        end_fee: preview.end_fee.map(|fee| {
            format!(
                "{}, because it is still inside its commitment",
                fee.format(lang)
            )
        }),
        then: preview
            .recurring
            .map(|(price, period)| price_text(price, period, lang)),
        commitment: match (preview.commitment_until, preview.kind) {
            (Some(until), RequestKind::End) => format!(
                "Until {}; it can be ended without a fee from {}",
                lang.format_date(until),
                lang.format_date(until.succ_opt().unwrap_or(until))
            ),
            (Some(until), _) => format!("Until {}", lang.format_date(until)),
            (None, _) => "None".to_string(),
        },
        replaces: (!preview.replaces.is_empty()).then(|| {
            preview
                .replaces
                .iter()
                .map(|r| match r.fee {
                    Some(fee) => {
                        format!("{} (ends then; early-end fee {})", r.name, fee.format(lang))
                    }
                    None => format!("{} (ends then)", r.name),
                })
                .collect::<Vec<_>>()
                .join(", ")
        }),
        conditions: preview.conditions.clone(),
        may_choose_when: preview.may_choose_when,
        confirm_label: confirm_label(preview),
        charge: preview.charge.cents(),
    }
}

/// One line's add-ons in words: the active ones, the scheduled changes and the catalog.
pub fn addons_view(s: &LineServices, lang: Language) -> AddonsView {
    let active = s
        .active
        .iter()
        .map(|a| {
            let price = match (a.billing_period, a.ends_at) {
                (BillingPeriod::Once, Some(end)) => format!(
                    "{} one-off, until {}",
                    a.price.format(lang),
                    lang.format_date(end.date_naive())
                ),
                _ => price_text(a.price, a.billing_period, lang),
            };
            let commitment = match a.commitment_until {
                Some(until) => lang.format_date(until),
                None => "None".to_string(),
            };
            // A switch scheduled for the next period ends this one then.
            let replaced_by = s.scheduled.iter().find_map(|r| {
                let next = s.catalog.iter().find(|c| Some(c.id) == r.addon)?;
                next.incompatible
                    .contains(&a.addon)
                    .then(|| (next.name.clone(), r.effective_on))
            });
            let can_end = if let Some((next, on)) = &replaced_by {
                format!(
                    "Replaced by {next} on {} (scheduled)",
                    lang.format_date(*on)
                )
            } else if a.billing_period == BillingPeriod::Once {
                "Ends by itself".to_string()
            } else if let Some(on) = a.scheduled_end {
                format!("Ends on {} (scheduled)", lang.format_date(on))
            } else if a.commitment_until.is_some_and(|u| u >= s.terms.today) {
                match a.early_end_fee {
                    Some(fee) => format!(
                        "From {}; earlier for a fee of {}",
                        lang.format_date(a.free_to_end_from()),
                        fee.format(lang)
                    ),
                    None => format!("From {}", lang.format_date(a.free_to_end_from())),
                }
            } else {
                "Any time".to_string()
            };
            ActiveRow {
                id: a.id.get(),
                addon: a.addon.get(),
                name: a.name.clone(),
                since: lang.format_date(a.active_from.date_naive()),
                price,
                commitment,
                can_end,
                endable: a.billing_period != BillingPeriod::Once && a.scheduled_end.is_none(),
            }
        })
        .collect();
    let scheduled = s
        .scheduled
        .iter()
        .map(|r| ScheduledRow {
            id: r.id.get(),
            summary: r.summary(lang),
            status: r.status_text(lang),
        })
        .collect();
    let catalog = s
        .catalog
        .iter()
        .map(|addon| {
            let replaces: Vec<String> = s
                .replaced_by(addon)
                .iter()
                .map(|a| a.name.clone())
                .collect();
            let starting = s
                .scheduled
                .iter()
                .find(|r| r.addon == Some(addon.id))
                .map(|r| r.effective_on);
            let state = if s.is_active(addon.id) {
                CatalogState::Active
            } else if let Some(on) = starting {
                CatalogState::Starting(format!("Starts on {}", lang.format_date(on)))
            } else if replaces.is_empty() {
                CatalogState::Offered(format!("Take {}…", addon.name))
            } else {
                CatalogState::Offered(format!("Switch to {}…", addon.name))
            };
            CatalogCard {
                id: addon.id.get(),
                name: addon.name.clone(),
                price: price_text(addon.price, addon.billing_period, lang),
                description: addon.description.clone(),
                conditions: addon.conditions.clone(),
                commitment: commitment_text(addon, lang),
                replaces: (!replaces.is_empty()).then(|| {
                    format!(
                        "Replaces {}: the two cannot be active together.",
                        replaces.join(", ")
                    )
                }),
                state,
            }
        })
        .collect();
    AddonsView {
        line: s.line.id,
        credit: s.terms.credit.map(|c| c.format(lang)),
        active,
        scheduled,
        catalog,
    }
}
