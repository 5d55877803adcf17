//! `/services`: one line's roaming and add-ons, the add-ons it may take with price, conditions
//! and commitment; `/services/change`: the preview of one change, confirmed with a plain form.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use selfcare::customer::PaymentType;
use selfcare::ids::LineId;
use selfcare::services::addons::{ChangeAction, When};

use crate::acting::href;
use crate::api::services::{load_services, preview_change, ChangeRequest, ServicesOverview};
use crate::components::addons::{notice_view, preview_page, AddonsPanel};
use crate::components::roaming::RoamingSection;
use crate::components::ErrorNotice;
use crate::pages::portal::Portal;

#[component]
pub fn ServicesPage() -> impl IntoView {
    let line: Option<i64> = use_query_map()
        .get_untracked()
        .get("line")
        .and_then(|v| v.parse().ok());
    let acting_for = crate::acting::acting_for();
    let data = Resource::new(move || line, move |line| load_services(line, acting_for));
    view! {
        <Portal title="Services">
            <h1>"Services"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) => services(page).into_any(),
                        Err(error) => view! {
                            <ErrorNotice error />
                            <p><a href=href("/services")>"Services"</a></p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </Portal>
    }
}

fn services(page: ServicesOverview) -> impl IntoView {
    let Some((line, addons)) = page.shown else {
        return view! {
            {page.notice.map(notice_view)}
            <section class="card"><p>"There are no active lines on your account."</p></section>
        }
        .into_any();
    };
    let current = line.id;
    let chooser = (page.lines.len() > 1).then(|| {
        view! {
            <nav class="focus" aria-label="Line">
                {page.lines.iter().map(|l| view! {
                    <a href=format!("{}?line={}", href("/services"), l.id) aria-current=(l.id == current).then_some("true")>
                        {l.name()}
                    </a>
                }).collect_view()}
            </nav>
        }
    });
    let payment = match line.payment_type {
        PaymentType::Prepaid => "prepaid",
        PaymentType::Postpaid => "postpaid: add-ons are billed on your invoice",
    };
    let head = view! {
        <p class="line-head"><strong>{line.name()}</strong>" · "{line.plan.clone()}" · "{payment}</p>
    };
    view! {
        {chooser}
        {head}
        <RoamingSection line=current />
        <AddonsPanel addons notice=page.notice />
    }
    .into_any()
}

/// The preview of one change, as a page (the way without JavaScript).
#[component]
pub fn ChangePage() -> impl IntoView {
    let query = use_query_map().get_untracked();
    let number = |key: &str| query.get(key).and_then(|v| v.parse::<i64>().ok());
    let when = When::parse(query.get("when").as_deref());
    let request = match (number("line"), number("activate"), number("end")) {
        (Some(line), Some(id), _) => Some((line, ChangeAction::Activate, id)),
        (Some(line), None, Some(id)) => Some((line, ChangeAction::End, id)),
        _ => None,
    }
    .map(|(line, action, id)| ChangeRequest {
        // A number from the address: every query it reaches is scoped to the signed-in customer.
        line: LineId::trusted(line),
        action,
        id,
        when,
    });
    let acting_for = crate::acting::acting_for();
    let data = Resource::new(
        move || request.clone(),
        move |request| async move {
            match request {
                Some(request) => preview_change(request, acting_for).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    view! {
        <Portal title="Review your change">
            <h1>"Review your change"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(view) => preview_page(view).into_any(),
                        Err(error) => view! {
                            <ErrorNotice error />
                            <p><a href=href("/services")>"Services"</a></p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </Portal>
    }
}
