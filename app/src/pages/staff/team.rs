//! `/staff/team` and `/staff/team/:id`: the support team for supervisors and admins. The list of
//! members with their roles and whether they may sign in; each member's latest work (searches,
//! verifications, customers' pages looked at, changes made); and, for admins, adding a member
//! and changing another's role or account; and `/staff/password`, where any member of staff
//! changes their own password. Plain forms, sent in place once hydrated.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_params_map;
use selfcare::auth::StaffRole;
use selfcare::support::team::{StaffAccount, MIN_STAFF_PASSWORD};

use crate::api::staff::role_name;
use crate::api::team::{
    load_password_page, load_team, load_team_member, AddTeamMember, ChangeStaffPassword,
    ChangeTeamMember, Member, Team,
};
use crate::api::Reply;
use crate::components::post_form::PostForm;
use crate::components::{ErrorNotice, Outcome};
use crate::pages::staff::frame::StaffFrame;

#[component]
pub fn TeamPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_team());
    view! {
        <StaffFrame title="Team">
            <h1>"Team"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(team) => team_view(team).into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
        </StaffFrame>
    }
}

#[component]
pub fn TeamMemberPage() -> impl IntoView {
    let id = use_params_map()
        .get_untracked()
        .get("id")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let data = Resource::new(move || id, load_team_member);
    view! {
        <StaffFrame title="Member of staff">
            <p><a href="/staff/team">"← Team"</a></p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(member) => member_view(member).into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
        </StaffFrame>
    }
}

fn notice(reply: Option<Reply>) -> impl IntoView {
    reply.map(|n| {
        view! {
            <Outcome ok=n.ok>{n.message}</Outcome>
        }
    })
}

fn status(member: &StaffAccount) -> String {
    match member.disabled_at {
        Some(at) => format!("Disabled since {}", at.format("%Y-%m-%d")),
        None => "Active".to_string(),
    }
}

fn role_choice(id: &'static str, chosen: StaffRole) -> impl IntoView {
    view! {
        <select id=id name="role">
            {StaffRole::ALL.iter().map(|&r| view! {
                <option value=r.as_str() selected=r == chosen>{role_name(r)}</option>
            }).collect_view()}
        </select>
    }
}

fn team_view(team: Team) -> impl IntoView {
    let rows = team
        .members
        .iter()
        .map(|m| {
            view! {
                <tr class=m.disabled_at.is_some().then_some("disabled")>
                    <th scope="row"><a href=format!("/staff/team/{}", m.id)>{m.name.clone()}</a></th>
                    <td data-label="Email">{m.email.clone()}</td>
                    <td data-label="Role">{role_name(m.role)}</td>
                    <td data-label="Account">{status(m)}</td>
                    <td data-label="Added">{m.created_at.format("%Y-%m-%d").to_string()}</td>
                </tr>
            }
        })
        .collect_view();
    let add = team.may_manage.then(|| view! {
        <section class="card" aria-labelledby="add-heading">
            <h2 id="add-heading">"Add a member of staff"</h2>
            <PostForm action=AddTeamMember::url() class="form">
                <label for="email">"Work email"</label>
                <input id="email" name="email" type="email" autocomplete="off" required />
                <label for="name">"Name customers will see"</label>
                <input id="name" name="name" type="text" autocomplete="off" required maxlength="100" />
                <label for="new-role">"Role"</label>
                {role_choice("new-role", StaffRole::Agent)}
                <label for="password">"First password"</label>
                <input id="password" name="password" type="password" autocomplete="new-password"
                    required minlength=MIN_STAFF_PASSWORD aria-describedby="password-hint" />
                <p id="password-hint" class="muted">{format!("At least {MIN_STAFF_PASSWORD} characters. Pass it on in person or by phone, never by email.")}</p>
                <button type="submit" class="primary">"Add"</button>
            </PostForm>
        </section>
    });
    view! {
        <div id="team" data-region>
            {notice(team.notice)}
            <section class="card" aria-labelledby="members-heading">
                <h2 id="members-heading">{format!("{} members of staff", team.members.len())}</h2>
                <p class="muted">"Agents verify callers; supervisors also open a customer with a reason and review the team's work; admins also manage staff."</p>
                <div class="table-wrap">
                    <table class="list stack team">
                        <thead><tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Email"</th>
                            <th scope="col">"Role"</th>
                            <th scope="col">"Account"</th>
                            <th scope="col">"Added"</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </section>
            {add}
        </div>
    }
}

fn member_view(page: Member) -> impl IntoView {
    let m = page.member;
    let change = page.may_change.then(|| {
        let (change, label) = if m.disabled_at.is_some() {
            ("enable", "Enable the account")
        } else {
            ("disable", "Disable the account")
        };
        view! {
            <section class="card" aria-labelledby="change-heading">
                <h2 id="change-heading">"Change"</h2>
                <PostForm action=ChangeTeamMember::url() class="form">
                    <input type="hidden" name="member" value=m.id.get() />
                    <input type="hidden" name="change" value="role" />
                    <label for="role">"Role"</label>
                    <div class="row">
                        {role_choice("role", m.role)}
                        <button type="submit" class="secondary">"Change the role"</button>
                    </div>
                </PostForm>
                <PostForm action=ChangeTeamMember::url() class="form">
                    <input type="hidden" name="member" value=m.id.get() />
                    <input type="hidden" name="change" value=change />
                    <p class="muted">{if change == "disable" {
                        "A disabled member can't sign in, and their open sessions end at once. Their work stays in the audit log."
                    } else {
                        "They can sign in again with their password."
                    }}</p>
                    <button type="submit" class=if change == "disable" { "danger" } else { "secondary" }>{label}</button>
                </PostForm>
            </section>
        }
    });
    let rows = page
        .activity
        .into_iter()
        .map(|a| {
            view! {
                <tr>
                    <td data-label="When">{a.at}</td>
                    <td data-label="What"><strong>{a.what}</strong></td>
                    <td data-label="Customer">{a.customer.map(|(id, name)| view! {
                        <a href=crate::acting::staff_home(id)>{name}</a>
                    })}</td>
                    <td data-label="Detail">{a.detail}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div id="member" data-region>
            <h1>{m.name.clone()}</h1>
            {notice(page.notice)}
            <p>{m.email.clone()}" · "{role_name(m.role)}" · "<span class="account-status">{status(&m)}</span></p>
            {page.is_me.then(|| view! { <p class="muted">"This is you: another admin changes your account."</p> })}
            {change}
            <section class="card" aria-labelledby="work-heading">
                <h2 id="work-heading">"Latest work"</h2>
                <p class="muted">{format!("The newest {} actions, times in UTC.", crate::api::team::ACTIVITY_SHOWN)}</p>
                <div class="table-wrap">
                    <table class="list stack activity">
                        <thead><tr>
                            <th scope="col">"When"</th>
                            <th scope="col">"What"</th>
                            <th scope="col">"Customer"</th>
                            <th scope="col">"Detail"</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </section>
        </div>
    }
}

/// `/staff/password`: any member of staff changes their own password.
#[component]
pub fn StaffPasswordPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_password_page());
    view! {
        <StaffFrame title="Change your password">
            <h1>"Change your password"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) => view! {
                            <div id="password-change" data-region>
                                {notice(page.notice)}
                                <PostForm action=ChangeStaffPassword::url() class="card form">
                                    <label for="current">"Current password"</label>
                                    <input id="current" name="current" type="password" autocomplete="current-password" required />
                                    <label for="new">"New password"</label>
                                    <input id="new" name="new" type="password" autocomplete="new-password"
                                        required minlength=MIN_STAFF_PASSWORD aria-describedby="new-hint" />
                                    <p id="new-hint" class="muted">{format!("At least {MIN_STAFF_PASSWORD} characters. Your other sessions end when it is changed.")}</p>
                                    <label for="again">"New password again"</label>
                                    <input id="again" name="again" type="password" autocomplete="new-password" required minlength=MIN_STAFF_PASSWORD />
                                    <button type="submit" class="primary">"Change the password"</button>
                                </PostForm>
                            </div>
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
        </StaffFrame>
    }
}
