//! The one island: it makes server-rendered HTML work in place, driven by `data-` attributes,
//! so the WASM holds no view code of any feature and every page's first load stays small.
//!
//! Without JavaScript every form posts and is answered with a redirect back to its page (see
//! `ssr::reply::answer`), and every link loads a page. Hydrated, [`Enhance`] listens
//! on the document and, for the markup that asks for it:
//!
//! - `data-region` (on an element with an `id`): a `method="post"` form inside is sent with
//!   `fetch` (the same url-encoded fields, `Accept: text/html`, following the redirect); every
//!   region of the page is then replaced by the one with the same `id` in the page that comes
//!   back. The form's submit buttons are disabled while it is sent, so a double click sends it
//!   once. The focus moves to the answer's `data-outcome` element (its notice), else to the
//!   region. When that notice says no (`.error`), what was typed into the form's fields stays.
//! - `<a data-swap="id …">`: the link's page is fetched and each named element replaced by its
//!   counterpart; `data-replace-url` also puts the link's address in the location bar. The
//!   link's region loses its last `data-outcome` (a new step clears the last step's notice).
//! - `data-seconds-left`: a countdown, ticking each second. `data-countdown="clock"` writes
//!   " 4:59 left." into the element and `data-expired` at zero; `data-countdown="minutes"`
//!   writes "3 minutes" into its `[data-minutes]` child, shows the element only below
//!   `data-show-below` seconds, and reloads the page at zero (the server then asks to sign in).
//!   A `[data-keep-alive]` button inside posts to that server function, which answers the
//!   seconds left, and starts the count again.
//! - `data-poll-seconds` (with an `id`): the page is fetched again that often and the element
//!   replaced, which follows changes made elsewhere (an agent verifying a code).
//!
//! When a fetch fails or answers an error, or the answer lacks what was to be replaced, the
//! browser does what it would without JavaScript: posts the form, or follows the link.

use leptos::prelude::*;

#[island]
pub fn Enhance() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(|_| client::start());
    super::count_hydrated_island();
}

#[cfg(feature = "hydrate")]
mod client {
    use leptos::prelude::{document, window};
    use leptos::task::spawn_local;
    use leptos::wasm_bindgen::closure::Closure;
    use leptos::wasm_bindgen::{JsCast, JsValue};
    use leptos::web_sys::{
        Document, DomParser, Element, Event, FormData, Headers, HtmlElement, HtmlFormElement,
        HtmlInputElement, MouseEvent, RequestCredentials, RequestInit, Response, SubmitEvent,
        SupportedType, UrlSearchParams,
    };
    use wasm_bindgen_futures::JsFuture;

    /// Listens for submits and clicks on the whole document (so swapped-in markup needs no
    /// setting up) and starts the clock of countdowns and polls.
    pub fn start() {
        let doc = document();
        listen(&doc, "submit", submitted);
        listen(&doc, "click", clicked);
        let tick = Closure::<dyn FnMut()>::new(tick);
        let _ = window().set_interval_with_callback_and_timeout_and_arguments_0(
            tick.as_ref().unchecked_ref(),
            1000,
        );
        tick.forget();
        tick_at(now());
    }

    fn listen(doc: &Document, event: &str, handler: fn(Event)) {
        let handler = Closure::<dyn FnMut(Event)>::new(handler);
        let _ = doc.add_event_listener_with_callback(event, handler.as_ref().unchecked_ref());
        handler.forget();
    }

    fn now() -> f64 {
        js_sys::Date::now()
    }

    fn all(root: &impl AsRef<JsValue>, selector: &str) -> Vec<Element> {
        let root: &JsValue = root.as_ref();
        let list = if let Some(doc) = root.dyn_ref::<Document>() {
            doc.query_selector_all(selector)
        } else if let Some(el) = root.dyn_ref::<Element>() {
            el.query_selector_all(selector)
        } else {
            return Vec::new();
        };
        let Ok(list) = list else { return Vec::new() };
        (0..list.length())
            .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
            .collect()
    }

    fn focus(el: &Element) {
        if !el.has_attribute("tabindex") {
            let _ = el.set_attribute("tabindex", "-1");
        }
        if let Some(el) = el.dyn_ref::<HtmlElement>() {
            let _ = el.focus();
        }
    }

    /// GETs (or, with a body, POSTs url-encoded) `url` as a browser would for a page, and
    /// parses the page that comes back; `None` on a network error or an error status.
    async fn load(url: &str, body: Option<String>) -> Option<Document> {
        let init = RequestInit::new();
        let headers = Headers::new().ok()?;
        headers.set("Accept", "text/html").ok()?;
        if let Some(body) = body {
            init.set_method("POST");
            headers
                .set("Content-Type", "application/x-www-form-urlencoded")
                .ok()?;
            init.set_body(&JsValue::from_str(&body));
        }
        init.set_headers(&headers);
        init.set_credentials(RequestCredentials::SameOrigin);
        let answer = JsFuture::from(window().fetch_with_str_and_init(url, &init))
            .await
            .ok()?;
        let answer: Response = answer.dyn_into().ok()?;
        if !answer.ok() {
            return None;
        }
        let text = JsFuture::from(answer.text().ok()?)
            .await
            .ok()?
            .as_string()?;
        DomParser::new()
            .ok()?
            .parse_from_string(&text, SupportedType::TextHtml)
            .ok()
    }

    /// Replaces the element `id` here with its counterpart in `page`; false when either lacks it.
    fn replace(page: &Document, id: &str) -> bool {
        match (document().get_element_by_id(id), page.get_element_by_id(id)) {
            (Some(here), Some(there)) => here.replace_with_with_node_1(&there).is_ok(),
            _ => false,
        }
    }

    fn submitted(ev: Event) {
        let Some(form) = ev
            .target()
            .and_then(|t| t.dyn_into::<HtmlFormElement>().ok())
        else {
            return;
        };
        // Attributes, not `form.method` and `form.action`: a field named `action` (the add-on
        // confirmation has one) shadows those properties of its form.
        let is_post = form
            .get_attribute("method")
            .is_some_and(|m| m.eq_ignore_ascii_case("post"));
        let region = form.closest("[data-region][id]").ok().flatten();
        let Some(region) = region.filter(|_| is_post && !ev.default_prevented()) else {
            return;
        };
        let Some(action) = form.get_attribute("action") else {
            return;
        };
        ev.prevent_default();
        if form.has_attribute("data-pending") {
            return;
        }
        let Ok(fields) = FormData::new_with_form(&form) else {
            return form.submit().unwrap_or_default();
        };
        // The clicked button's own name and value, as the browser would send them.
        let submitter = ev.dyn_ref::<SubmitEvent>().and_then(SubmitEvent::submitter);
        if let Some(name) = submitter.as_ref().and_then(|b| b.get_attribute("name")) {
            let value = submitter.as_ref().and_then(|b| b.get_attribute("value"));
            let _ = fields.append_with_str(&name, &value.unwrap_or_default());
        }
        let Ok(body) = UrlSearchParams::new_with_str_sequence_sequence(&fields) else {
            return form.submit().unwrap_or_default();
        };
        // What was typed, to keep when the answer is a refusal.
        let typed: Vec<(String, String)> = all(&form, "input[id]:not([type=hidden])")
            .into_iter()
            .filter_map(|i| i.dyn_into::<HtmlInputElement>().ok())
            .map(|i| (i.id(), i.value()))
            .collect();
        pending(&form, true);
        let body = String::from(body.to_string());
        spawn_local(async move {
            let page = load(&action, Some(body)).await;
            // The form's own region must come back; the others (the idle warning, a second
            // card on the page) follow when they are there.
            let swapped = page.is_some_and(|page| {
                let swapped = replace(&page, &region.id());
                if swapped {
                    for other in all(&document(), "[data-region][id]") {
                        replace(&page, &other.id());
                    }
                }
                swapped
            });
            if !swapped {
                pending(&form, false);
                return form.submit().unwrap_or_default();
            }
            let Some(region) = document().get_element_by_id(&region.id()) else {
                return;
            };
            let outcome = document().query_selector("[data-outcome]").ok().flatten();
            let refused = outcome
                .as_ref()
                .is_some_and(|o| o.matches(".error, [role=alert]").unwrap_or(false));
            if refused {
                for (id, value) in typed {
                    if let Some(input) = document()
                        .get_element_by_id(&id)
                        .and_then(|i| i.dyn_into::<HtmlInputElement>().ok())
                    {
                        input.set_value(&value);
                    }
                }
            }
            focus(&outcome.unwrap_or(region));
        });
    }

    /// Marks a form as being sent and disables its buttons, or the other way round.
    fn pending(form: &HtmlFormElement, on: bool) {
        let _ = if on {
            form.set_attribute("data-pending", "")
        } else {
            form.remove_attribute("data-pending")
        };
        for button in all(form, "button[type=submit], button:not([type])") {
            let _ = if on {
                button.set_attribute("disabled", "")
            } else {
                button.remove_attribute("disabled")
            };
        }
    }

    fn clicked(ev: Event) {
        let Some(click) = ev.dyn_ref::<MouseEvent>() else {
            return;
        };
        if ev.default_prevented()
            || click.button() != 0
            || click.ctrl_key()
            || click.meta_key()
            || click.shift_key()
            || click.alt_key()
        {
            return;
        }
        let Some(target) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        if let Some(button) = target.closest("[data-keep-alive]").ok().flatten() {
            return keep_alive(button);
        }
        let Some(link) = target.closest("a[data-swap][href]").ok().flatten() else {
            return;
        };
        let (Some(url), Some(ids)) = (link.get_attribute("href"), link.get_attribute("data-swap"))
        else {
            return;
        };
        ev.prevent_default();
        spawn_local(async move {
            let page = load(&url, None).await;
            let ids: Vec<&str> = ids.split_whitespace().collect();
            let complete = page.as_ref().is_some_and(|page| {
                ids.iter().all(|id| {
                    page.get_element_by_id(id).is_some()
                        && document().get_element_by_id(id).is_some()
                })
            });
            let Some(page) = page.filter(|_| complete) else {
                let _ = window().location().assign(&url);
                return;
            };
            if let Some(region) = link.closest("[data-region]").ok().flatten() {
                for outcome in all(&region, "[data-outcome]") {
                    outcome.remove();
                }
            }
            for id in &ids {
                replace(&page, id);
            }
            if link.has_attribute("data-replace-url") {
                if let Ok(history) = window().history() {
                    let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
                }
            }
            // A swapped-in part that can take the focus (a preview) gets it.
            if let Some(first) = ids.first().and_then(|id| document().get_element_by_id(id)) {
                if first.has_attribute("tabindex") {
                    first.scroll_into_view();
                    focus(&first);
                }
            }
        });
    }

    /// "Stay signed in": the server function renews the session and answers its seconds left.
    fn keep_alive(button: Element) {
        let Some(url) = button.get_attribute("data-keep-alive") else {
            return;
        };
        spawn_local(async move {
            let init = RequestInit::new();
            init.set_method("POST");
            init.set_credentials(RequestCredentials::SameOrigin);
            if let Ok(headers) = Headers::new() {
                let _ = headers.set("Content-Type", "application/x-www-form-urlencoded");
                init.set_headers(&headers);
            }
            let answer = JsFuture::from(window().fetch_with_str_and_init(&url, &init)).await;
            let Some(answer) = answer.ok().and_then(|a| a.dyn_into::<Response>().ok()) else {
                return;
            };
            let Ok(text) = answer.text() else { return };
            let text = JsFuture::from(text).await.ok().and_then(|t| t.as_string());
            let seconds = text.and_then(|t| t.trim().parse::<f64>().ok());
            if let (true, Some(seconds), Some(warning)) = (
                answer.ok(),
                seconds,
                button.closest("[data-seconds-left]").ok().flatten(),
            ) {
                let _ =
                    warning.set_attribute("data-deadline", &(now() + seconds * 1000.0).to_string());
                tick_at(now());
            }
        });
    }

    fn tick() {
        tick_at(now());
    }

    /// Moves every countdown and poll on the page on to `at` (milliseconds since the epoch).
    fn tick_at(at: f64) {
        for el in all(&document(), "[data-seconds-left]") {
            let deadline = match el
                .get_attribute("data-deadline")
                .and_then(|d| d.parse().ok())
            {
                Some(deadline) => deadline,
                None => {
                    let seconds: f64 = el
                        .get_attribute("data-seconds-left")
                        .and_then(|s| s.parse().ok())
                        .unwrap_or(0.0);
                    let deadline = at + seconds * 1000.0;
                    let _ = el.set_attribute("data-deadline", &deadline.to_string());
                    deadline
                }
            };
            let left = ((deadline - at) / 1000.0).ceil().max(0.0) as i64;
            countdown(&el, left);
        }
        for el in all(&document(), "[data-poll-seconds][id]") {
            let due = el
                .get_attribute("data-poll-at")
                .and_then(|d| d.parse::<f64>().ok());
            let every: f64 = el
                .get_attribute("data-poll-seconds")
                .and_then(|s| s.parse().ok())
                .unwrap_or(5.0);
            match due {
                None => {
                    let _ = el.set_attribute("data-poll-at", &(at + every * 1000.0).to_string());
                }
                Some(due) if due <= at => {
                    // Not again until this poll is answered (its answer brings a fresh element).
                    let _ = el.set_attribute("data-poll-at", "Infinity");
                    let id = el.id();
                    spawn_local(async move {
                        let href = window().location().href().unwrap_or_default();
                        match load(&href, None).await {
                            Some(page) if replace(&page, &id) => {}
                            _ => {
                                let next = now() + every * 1000.0;
                                let _ = el.set_attribute("data-poll-at", &next.to_string());
                            }
                        }
                    });
                }
                Some(_) => {}
            }
        }
    }

    fn countdown(el: &Element, left: i64) {
        match el.get_attribute("data-countdown").as_deref() {
            Some("clock") if left > 0 => {
                el.set_text_content(Some(&format!(" {}:{:02} left.", left / 60, left % 60)));
            }
            Some("clock") => {
                el.set_text_content(el.get_attribute("data-expired").as_deref());
                let _ = el.class_list().add_1("expired");
            }
            Some("minutes") => {
                if left == 0 {
                    let _ = window().location().reload();
                    return;
                }
                let below: i64 = el
                    .get_attribute("data-show-below")
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0);
                if left > below {
                    let _ = el.set_attribute("hidden", "");
                    return;
                }
                let minutes = (left + 59) / 60;
                let text = if minutes == 1 {
                    "1 minute".to_string()
                } else {
                    format!("{minutes} minutes")
                };
                if let Ok(Some(words)) = el.query_selector("[data-minutes]") {
                    if words.text_content().as_deref() != Some(text.as_str()) {
                        words.set_text_content(Some(&text));
                    }
                }
                if el.has_attribute("hidden") {
                    let _ = el.remove_attribute("hidden");
                }
            }
            _ => {}
        }
    }
}
