//! `/requests`: every change asked for on the customer's lines (add-ons, roaming), by whom and
//! through which channel, with its status and times, newest first, a page at a time.

use crate::acting::{acting_for, href, ActingField};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

use crate::api::requests::{load_requests, CancelRequest, RequestsPage as Data};
use crate::components::post_form::PostForm;
use crate::components::{ErrorNotice, Outcome, Pager};
use crate::pages::portal::Portal;
use selfcare::services::requests::RequestStatus;

#[component]
pub fn RequestsPage() -> impl IntoView {
    let after = use_query_map().get_untracked().get("after");
    let first_page = after.as_deref().is_none_or(str::is_empty);
    let acting_for = acting_for();
    let data = Resource::new(
        move || after.clone(),
        move |after| load_requests(after, acting_for),
    );
    view! {
        <Portal title="Requests">
            <h1>"Requests"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) => requests(page, first_page).into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
        </Portal>
    }
}

fn requests(page: Data, first_page: bool) -> impl IntoView {
    let lang = page.profile.language;
    if page.requests.is_empty() && first_page {
        return view! {
            <section class="card">
                <p>"No requests yet. Changes you make under "<a href=href("/services")>"Services"</a>
                   " (add-ons, roaming) are listed here with their status."</p>
            </section>
        }
        .into_any();
    }
    let rows = page
        .requests
        .into_iter()
        .map(|r| {
            let status_class = match r.status {
                RequestStatus::Done => "state settled",
                RequestStatus::Scheduled => "state due",
                RequestStatus::Failed => "state overdue",
                RequestStatus::Cancelled => "state",
            };
            let times = match (r.status, r.completed_at) {
                (RequestStatus::Scheduled, _) | (_, None) => String::new(),
                (RequestStatus::Cancelled, Some(at)) => format!("on {}", lang.format_date_time(at)),
                (_, Some(at)) => format!("Completed {}", lang.format_date_time(at)),
            };
            // A cancelled change never charges what it would have.
            let charge = if r.charge.is_zero() || r.status == RequestStatus::Cancelled {
                "—".to_string()
            } else {
                r.charge.format(lang)
            };
            view! {
                <tr id=format!("request-{}", r.id)>
                    <th scope="row">{lang.format_date_time(r.created_at)}</th>
                    <td data-label="Line">{r.msisdn.display()}</td>
                    // One element per cell: on a phone each cell is one item of the row's grid.
                    <td data-label="What"><span><strong>{r.kind.label()}</strong>": "{r.summary(lang)}</span></td>
                    <td data-label="Asked by"><span>{r.requested_by.label()}<br/><span class="muted">{r.channel.label()}</span></span></td>
                    <td data-label="Status"><span><span class=status_class>{r.status_text(lang)}</span>
                        {(!times.is_empty()).then(|| view! { <br/><span class="muted">{times}</span> })}
                        {(r.status == RequestStatus::Scheduled).then(|| {
                            let (request, label) = (r.id.get(), format!("Cancel: {}", r.summary(lang)));
                            view! {
                            <PostForm action=CancelRequest::url() class="cancel">
                                <ActingField />
                                <input type="hidden" name="request" value=request />
                                <button type="submit" class="secondary" aria-label=label>"Cancel"</button>
                            </PostForm>
                        }})}
                    </span></td>
                    <td class="num" data-label="Charge">{charge}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" id="requests" data-region aria-labelledby="requests-heading">
            {page.notice.map(|n| view! { <Outcome ok=n.ok>{n.message}</Outcome> })}
            <h2 id="requests-heading">"Your requests"</h2>
            <p class="muted">"Charges exclude VAT. Postpaid charges are billed on your next invoice; prepaid ones come from credit."</p>
            <div class="table-wrap">
                <table class="list stack requests">
                    <thead>
                        <tr>
                            <th scope="col">"Asked"</th>
                            <th scope="col">"Line"</th>
                            <th scope="col">"What"</th>
                            <th scope="col">"Asked by"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col" class="num">"Charge"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <Pager what="requests" first_page older=page.older page=|after| match after {
                Some(after) => format!("{}?after={after}", href("/requests")),
                None => href("/requests"),
            } />
        </section>
    }
    .into_any()
}
