//! `/verify`: a one-time code to read to a support agent, and who verified it.

use leptos::prelude::*;

use crate::api::support::{load_verify, VerifyLive};
use crate::components::verify::CodePanel;
use crate::components::ErrorNotice;
use crate::pages::portal::Portal;

#[component]
pub fn VerifyPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_verify());
    view! {
        <Portal title="Verify a call or chat">
            <h1>"Verify a call or chat"</h1>
            <p>"When you call our hotline or chat with us, the agent may ask for a code from here. It proves to them that it is you."</p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) => view! {
                            <section class="card" id="verify-panel" data-region aria-label="Verification code">
                                <CodePanel issued=page.issued state=VerifyLive::of(&page.state)
                                    polling=!page.state.live.is_empty() now=page.now.timestamp() />
                            </section>
                            <p><a href="/access-log">"Who accessed my account"</a></p>
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
        </Portal>
    }
}
