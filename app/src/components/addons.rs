//! Add-ons of a line: the active ones, the catalog, and a change previewed and confirmed.
//!
//! Every "Take…", "Switch…" and "End…" is a link to the preview page (`/services/change`),
//! whose form posts the confirmation and comes back to `/services` with the outcome. The panel
//! is a region of the [`super::enhance`] island: once it runs, the links put the preview page's
//! `#change` section in place of the panel's empty one, and the confirmation (or "Cancel")
//! brings the panel back from the answer, without leaving the page.

use crate::acting::href;
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use selfcare::ids::RequestId;
use selfcare::services::addons::{ChangeAction, When};

use crate::api::services::{
    ActiveRow, AddonsView, CatalogCard, CatalogState, ChangeAddon, ChangeRequest, ChangeView,
    PreviewView,
};
use crate::api::Reply;
use crate::components::post_form::PostForm;

/// The facts of a previewed change (worded by the server: `api::services::words`).
pub fn preview_facts(view: &ChangeView, preview: &PreviewView) -> impl IntoView {
    let p = preview.clone();
    let credit = view.credit.clone();
    view! {
        <dl class="facts preview">
            <dt>{p.name_term}</dt>
            <dd><strong>{p.name}</strong></dd>
            <dt>"When"</dt>
            <dd>{p.effect}</dd>
            <dt>{p.cost_heading}</dt>
            <dd class="charge">{p.cost}</dd>
            {p.end_fee.map(|fee| view! {
                <dt>"Early-end fee"</dt>
                <dd>{fee}</dd>
            })}
            {p.then.map(|then| view! {
                <dt>"Then"</dt>
                <dd>{then}</dd>
            })}
            <dt>"Commitment"</dt>
            <dd>{p.commitment}</dd>
            {p.replaces.map(|replaces| view! {
                <dt>"Replaces"</dt>
                <dd>{replaces}</dd>
            })}
            {p.conditions.map(|c| view! {
                <dt>"Conditions"</dt>
                <dd>{c}</dd>
            })}
            {credit.map(|c| view! {
                <dt>"Your credit"</dt>
                <dd>{c}</dd>
            })}
        </dl>
        <p class="muted">"Prices exclude VAT."</p>
    }
}

/// The hidden fields a confirmation posts.
fn confirm_fields(view: &ChangeView, preview: &PreviewView) -> impl IntoView {
    let r = &view.request;
    view! {
        <input type="hidden" name="line" value=r.line.get() />
        <input type="hidden" name="action" value=r.action.as_str() />
        <input type="hidden" name="id" value=r.id />
        <input type="hidden" name="when" value=r.when.as_str() />
        <input type="hidden" name="key" value=view.key.clone() />
        <input type="hidden" name="charge" value=preview.charge />
        <crate::acting::ActingField />
    }
}

/// The preview page's body: the facts, the choice of when (as links), and a plain form that
/// confirms. Its `#change` section is also what the services page shows in place.
pub fn preview_page(view: ChangeView) -> impl IntoView {
    let back = format!("{}?line={}", href("/services"), view.request.line);
    let body = match view.preview.clone() {
        Err(reason) => Either::Left(view! {
            <p class="notice error" role="alert" id="refusal">{reason}</p>
            <p><a href=back data-swap="addons">"Back to your services"</a></p>
        }),
        Ok(preview) => {
            let choice = preview.may_choose_when.then(|| {
                let now = view.request.with_when(When::Now);
                let next = view.request.with_when(When::NextPeriod);
                let is_next = view.request.when == When::NextPeriod;
                view! {
                    <nav class="focus" aria-label="When">
                        <a href=now.url() data-swap="change" aria-current=(!is_next).then_some("true")>"Now"</a>
                        <a href=next.url() data-swap="change" aria-current=is_next.then_some("true")>"From the next period"</a>
                    </nav>
                }
            });
            let fields = confirm_fields(&view, &preview);
            Either::Right(view! {
                {choice}
                {preview_facts(&view, &preview)}
                <PostForm action=ChangeAddon::url() class="confirm">
                    {fields}
                    <button type="submit" class="primary">{preview.confirm_label.clone()}</button>
                    <a href=back data-swap="addons" class="button secondary">"Cancel"</a>
                </PostForm>
            })
        }
    };
    view! {
        <section class="card change" id="change" tabindex="-1" aria-labelledby="change-heading">
            <h2 id="change-heading">{view.line_name.clone()}</h2>
            {body}
        </section>
    }
}

/// A link that opens the preview of `request` (in place of `#change` once enhanced).
fn change_link(request: ChangeRequest, label: String, class: &'static str) -> impl IntoView {
    view! { <a href=request.url() data-swap="change" class=class>{label}</a> }
}

/// The outcome of a change, with a link to the request it made.
pub fn notice_view(n: Reply<Option<RequestId>>) -> impl IntoView {
    view! {
        <super::Outcome ok=n.ok>
            {n.message}" "
            {n.data.map(|id| view! { <a href=format!("{}#request-{}", href("/requests"), id.get())>"Follow the request"</a> })}
        </super::Outcome>
    }
}

/// The add-ons of one line, with the outcome of the last change (`notice`).
#[component]
pub fn AddonsPanel(addons: AddonsView, notice: Option<Reply<Option<RequestId>>>) -> impl IntoView {
    let line = addons.line;
    let notice = notice.map(notice_view);
    let active_row = move |a: ActiveRow| {
        let action = a.endable.then(|| {
            change_link(
                ChangeRequest {
                    line,
                    action: ChangeAction::End,
                    id: a.id,
                    when: When::Now,
                },
                "End…".into(),
                "button secondary",
            )
        });
        view! {
            <tr data-addon=a.addon>
                <th scope="row">{a.name}</th>
                <td data-label="Since">{a.since}</td>
                <td data-label="Price (excl. VAT)">{a.price}</td>
                <td data-label="Commitment until">{a.commitment}</td>
                <td data-label="Can be ended">{a.can_end}</td>
                <td data-label="">{action}</td>
            </tr>
        }
    };
    let active = if addons.active.is_empty() {
        Either::Left(view! { <p>"No add-ons are active on this line."</p> })
    } else {
        Either::Right(view! {
            <div class="table-wrap">
                <table class="list stack">
                    <thead>
                        <tr>
                            <th scope="col">"Add-on"</th>
                            <th scope="col">"Since"</th>
                            <th scope="col">"Price (excl. VAT)"</th>
                            <th scope="col">"Commitment until"</th>
                            <th scope="col">"Can be ended"</th>
                            <th scope="col"><span class="visually-hidden">"Change"</span></th>
                        </tr>
                    </thead>
                    <tbody>{addons.active.into_iter().map(active_row).collect_view()}</tbody>
                </table>
            </div>
        })
    };
    let scheduled = (!addons.scheduled.is_empty()).then(|| {
        view! {
            <section class="card" aria-labelledby="scheduled-heading" id="scheduled">
                <h2 id="scheduled-heading">"Scheduled changes"</h2>
                <ul>
                    {addons.scheduled.into_iter().map(|r| view! {
                        <li>{r.summary}" — "{r.status}" "
                            <a href=format!("{}#request-{}", href("/requests"), r.id)>"Request"</a></li>
                    }).collect_view()}
                </ul>
            </section>
        }
    });
    let catalog_card = move |addon: CatalogCard| {
        let state = match addon.state {
            CatalogState::Active => {
                EitherOf3::A(view! { <p class="state settled">"Active on this line"</p> })
            }
            CatalogState::Starting(starts) => {
                EitherOf3::B(view! { <p class="state due">{starts}</p> })
            }
            CatalogState::Offered(label) => EitherOf3::C(change_link(
                ChangeRequest {
                    line,
                    action: ChangeAction::Activate,
                    id: addon.id,
                    when: When::Now,
                },
                label,
                "button primary",
            )),
        };
        view! {
            <li class="addon" data-addon=addon.id>
                <h3>{addon.name}</h3>
                <p class="price">{addon.price}
                    <span class="muted">" excl. VAT"</span></p>
                <p>{addon.description}</p>
                <p class="muted">{addon.conditions}</p>
                <p>{addon.commitment}</p>
                {addon.replaces.map(|replaces| view! {
                    <p class="replaces">{replaces}</p>
                })}
                {state}
            </li>
        }
    };
    // Prepaid: the credit a change takes from.
    let credit = addons.credit.map(|c| {
        view! {
            <p class="credit-note">"Credit on this line: "<strong id="line-credit">{c}</strong>
                ". Add-ons you take are paid from it at once."</p>
        }
    });
    view! {
        <div id="addons" data-region>
            {credit}
            {notice}
            // The preview, opened in place.
            <div id="change"></div>
            <section class="card" aria-labelledby="active-heading" id="active-addons">
                <h2 id="active-heading">"Add-ons on this line"</h2>
                {active}
            </section>
            {scheduled}
            <section class="card" aria-labelledby="catalog-heading" id="catalog">
                <h2 id="catalog-heading">"Add-ons you can take"</h2>
                <ul class="addons">{addons.catalog.into_iter().map(catalog_card).collect_view()}</ul>
            </section>
        </div>
    }
}
