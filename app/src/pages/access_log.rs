//! `/access-log`: every code issued and checked, and every staff access to the account: who,
//! when, which channel, what they looked at or changed, and the reason where one was given.

use leptos::prelude::*;

use crate::api::support::load_access_log;
use crate::components::ErrorNotice;
use crate::pages::portal::Portal;

#[component]
pub fn AccessLogPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_access_log());
    view! {
        <Portal title="Who accessed my account">
            <h1>"Who accessed my account"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) => {
                            let lang = page.profile.language;
                            let rows = page.entries.into_iter().map(|e| view! {
                                <tr id=format!("access-{}", e.id)>
                                    <th scope="row">{lang.format_date_time(e.at)}</th>
                                    <td data-label="Who">{e.who}</td>
                                    <td data-label="What"><span><strong>{e.what}</strong><br/>{e.detail}</span></td>
                                </tr>
                            }).collect_view();
                            view! {
                                <section class="card">
                                    <p class="muted">"Codes, checks by our staff, their access and changes, newest first (times in UTC)."</p>
                                    <div class="table-wrap">
                                        <table class="list stack access-log">
                                            <thead><tr>
                                                <th scope="col">"When"</th>
                                                <th scope="col">"Who"</th>
                                                <th scope="col">"What"</th>
                                            </tr></thead>
                                            <tbody>{rows}</tbody>
                                        </table>
                                    </div>
                                </section>
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
        </Portal>
    }
}
