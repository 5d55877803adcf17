//! `/usage`: one line at a time (`?line=<id>`, the first by default): what is left of its
//! allowances and when they reset, its use per day as a chart (`?chart=data|calls|sms`), and its
//! usage records, filtered by type and days (`?type=&from=&to=`) and paged (`?after=`), with a
//! CSV export. `/usage/lines`: every line with what is left, sortable by column
//! (`?sort=&dir=`), with a CSV export.
//!
//! Everything is a link or a GET form, so the pages work the same without JavaScript.

use crate::acting::{acting_for, href};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use selfcare::balances::AllowanceKind;
use selfcare::dashboard::LineOverview;
use selfcare::usage::lines::{allowance_of, LineSort, SortDirection};
use selfcare::usage::{UsageFilter, UsageKind};

use crate::api::usage::{load_lines_overview, load_usage, LinesOverview, UsagePage as Page};
use crate::components::usage::{
    left_of_included, AllowanceBlock, DailyChart, LeftBar, RecordsTable,
};
use crate::components::{ErrorNotice, Pager};
use crate::pages::portal::Portal;

/// The chart shown when the address names none.
const DEFAULT_CHART: UsageKind = UsageKind::Data;

#[component]
pub fn UsagePage() -> impl IntoView {
    let query = use_query_map().get_untracked();
    let line: Option<i64> = query.get("line").and_then(|v| v.parse().ok());
    let chart = query
        .get("chart")
        .and_then(|c| UsageKind::from_param(&c))
        .unwrap_or(DEFAULT_CHART);
    let args = (
        line,
        query.get("type"),
        query.get("from"),
        query.get("to"),
        query.get("after"),
    );
    let acting_for = acting_for();
    let data = Resource::new(
        move || args.clone(),
        move |(line, kind, from, to, after)| load_usage(line, kind, from, to, after, acting_for),
    );
    view! {
        <Portal title="Usage">
            <h1>"Usage"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) => usage(page, chart).into_any(),
                        Err(error) => view! {
                            <ErrorNotice error />
                            <p><a href=href("/usage")>"Usage of the first line"</a></p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </Portal>
    }
}

/// The address of the usage page for one line with these choices.
fn usage_url(line: i64, filter: &UsageFilter, chart: UsageKind, after: Option<&str>) -> String {
    let mut url = format!("{}?line={line}", href("/usage"));
    for (key, value) in filter.query_pairs() {
        url.push_str(&format!("&{key}={value}"));
    }
    if chart != DEFAULT_CHART {
        url.push_str(&format!("&chart={}", chart.param()));
    }
    if let Some(after) = after {
        url.push_str(&format!("&after={after}"));
    }
    url
}

/// A line as a chooser or heading names it: `+420 601 123 456 (Jana)`.
fn line_name(line: &LineOverview) -> String {
    match &line.label {
        Some(label) => format!("{} ({label})", line.msisdn.display()),
        None => line.msisdn.display(),
    }
}

fn usage(page: Page, chart: UsageKind) -> impl IntoView {
    let lang = page.language;
    let Some(line) = page.line.clone() else {
        return view! { <p>"There are no active lines on your account."</p> }.into_any();
    };
    let id = line.id.get();
    let filter = page.filter;
    let query = use_query_map().get_untracked();
    let first_page = query.get("after").is_none_or(|a| a.is_empty());
    let chooser = (page.lines.len() > 1).then(|| {
        let links = page
            .lines
            .iter()
            .map(|l| {
                let current = (l.id == line.id).then_some("true");
                view! {
                    <a href=usage_url(l.id.get(), &UsageFilter::default(), chart, None) aria-current=current>
                        {line_name(l)}
                    </a>
                }
            })
            .collect_view();
        view! { <nav aria-label="Line" class="focus">{links}</nav> }
    });
    // The form shows what was typed, also when it could not be applied.
    let typed = |key: &str| query.get(key).unwrap_or_default();
    let kind_choice = typed("type");
    let csv = {
        let pairs: Vec<String> = filter
            .query_pairs()
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let query = if pairs.is_empty() {
            String::new()
        } else {
            format!("?{}", pairs.join("&"))
        };
        format!("/usage/{id}/records.csv{query}")
    };
    let chart_links = [UsageKind::Data, UsageKind::Call, UsageKind::Sms]
        .into_iter()
        .map(|kind| {
            let href = format!("{}#use-per-day", usage_url(id, &filter, kind, query.get("after").as_deref()));
            view! { <a href=href aria-current=(kind == chart).then_some("true")>{kind.chart_name()}</a> }
        })
        .collect_view();

    view! {
        {chooser}
        <p><a href=href("/usage/lines")>"All lines at a glance"</a></p>
        <section class="card" aria-labelledby="allowances-heading">
            <h2 id="allowances-heading">{format!("Allowances of {}", line_name(&line))}</h2>
            {if line.allowances.is_empty() {
                view! { <p>"No allowance period is running on this line."</p> }.into_any()
            } else {
                view! {
                    <div class="allowances">
                        {line.allowances.iter().cloned().map(|allowance| view! {
                            <AllowanceBlock allowance language=lang />
                        }).collect_view()}
                    </div>
                }.into_any()
            }}
            <dl class="facts period">
                <dt>"Plan"</dt>
                <dd>{line.plan.clone()}</dd>
                {line.period_ends_on.map(|end| view! {
                    <dt>"Period ends"</dt>
                    <dd>{lang.format_date(end)}</dd>
                    <dt>"Resets on"</dt>
                    <dd>{end.succ_opt().map(|day| lang.format_date(day))}</dd>
                })}
                {line.usage_as_of.map(|at| view! {
                    <dt>"Usage as of"</dt>
                    <dd>{format!("{} UTC", lang.format_date_time(at))}</dd>
                })}
            </dl>
        </section>
        <section class="card" id="use-per-day" aria-labelledby="chart-heading">
            <h2 id="chart-heading">"Use per day"</h2>
            {match page.period {
                Some(period) => view! {
                    <p class="muted">
                        "This period so far, "
                        {lang.format_period(period.first_day, period.days.last().map_or(period.first_day, |d| d.day))}
                        ", by day in UTC."
                    </p>
                    <nav aria-label="Chart shows" class="focus">{chart_links}</nav>
                    <DailyChart kind=chart days=period.days language=lang />
                }.into_any(),
                None => view! { <p>"No allowance period is running on this line."</p> }.into_any(),
            }}
        </section>
        <section class="card" id="records" aria-labelledby="records-heading">
            <h2 id="records-heading">"Usage records"</h2>
            <form method="get" action=href("/usage") class="filters" aria-label="Filter usage records">
                <input type="hidden" name="line" value=id />
                {(chart != DEFAULT_CHART).then(|| view! { <input type="hidden" name="chart" value=chart.param() /> })}
                <div class="field">
                    <label for="filter-type">"Type"</label>
                    <select id="filter-type" name="type">
                        <option value="all">"All"</option>
                        {UsageKind::ALL.iter().map(|k| view! {
                            <option value=k.param() selected=kind_choice == k.param()>{k.chart_name()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="filter-from">"From"</label>
                    <input type="date" id="filter-from" name="from" value=typed("from") />
                </div>
                <div class="field">
                    <label for="filter-to">"To"</label>
                    <input type="date" id="filter-to" name="to" value=typed("to") />
                </div>
                <button type="submit" class="secondary">"Show"</button>
                {filter.is_narrowed().then(|| view! {
                    <a href=usage_url(id, &UsageFilter::default(), chart, None)>"Show all"</a>
                })}
            </form>
            {page.filter_error.map(|message| view! {
                <p class="notice error" role="alert">{message}</p>
            })}
            {if page.records.is_empty() {
                let text = if filter.is_narrowed() { "No usage records match these filters." } else { "No usage records yet." };
                view! { <p>{text}</p> }.into_any()
            } else {
                view! { <RecordsTable records=page.records language=lang /> }.into_any()
            }}
            <Pager what="records" first_page older=page.older page=move |after| usage_url(id, &filter, chart, after) />
            // The export is the customer's download; staff read the records on the page.
            {acting_for().is_none().then(|| view! { <p><a class="button" href=csv download>"Download CSV"</a></p> })}
        </section>
    }
    .into_any()
}

#[component]
pub fn LinesOverviewPage() -> impl IntoView {
    let query = use_query_map().get_untracked();
    let args = (query.get("sort"), query.get("dir"));
    let acting_for = acting_for();
    let data = Resource::new(
        move || args.clone(),
        move |(sort, dir)| load_lines_overview(sort, dir, acting_for),
    );
    view! {
        <Portal title="All lines">
            <h1>"All lines"</h1>
            <p><a href=href("/usage")>"Usage of one line"</a></p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(overview) => lines_overview(overview).into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
        </Portal>
    }
}

/// A column header that sorts by `column`: a plain link, the other way round when the table is
/// already sorted by it, with `aria-sort` on the column sorted by (which the stylesheet marks
/// with an arrow).
fn sort_header(
    column: LineSort,
    name: &'static str,
    sorted: (LineSort, SortDirection),
    numeric: bool,
) -> impl IntoView {
    let (by, direction) = sorted;
    let is_sorted = by == column;
    let next = if is_sorted {
        direction.flipped()
    } else {
        SortDirection::Asc
    };
    let href = format!(
        "{}?sort={}&dir={}",
        href("/usage/lines"),
        column.as_str(),
        next.as_str()
    );
    view! {
        <th scope="col" class:num=numeric aria-sort=is_sorted.then_some(direction.aria())>
            <a href=href class="sort">{name}</a>
        </th>
    }
}

fn lines_overview(overview: LinesOverview) -> impl IntoView {
    let lang = overview.language;
    let sorted = (overview.sort, overview.direction);
    let allowance_cell = move |line: &LineOverview, kind: AllowanceKind, label: &'static str| {
        let allowance = allowance_of(line, kind).cloned();
        let text = allowance.as_ref().map(|a| left_of_included(a, lang));
        let per_mille = allowance.as_ref().and_then(|a| a.per_mille_left());
        let low = allowance.as_ref().is_some_and(|a| a.is_low());
        view! {
            <td data-label=label class:alert=low>
                {text.map(|text| view! { <span>{text}<LeftBar per_mille /></span> })}
            </td>
        }
    };
    let rows = overview
        .lines
        .iter()
        .map(|line| {
            view! {
                <tr>
                    <th scope="row" class="nowrap">
                        <a href=format!("{}?line={}", href("/usage"), line.id.get())>{line.msisdn.display()}</a>
                    </th>
                    <td data-label="User">{line.label.clone()}</td>
                    <td data-label="Plan">{line.plan.clone()}</td>
                    {allowance_cell(line, AllowanceKind::Minutes, "Minutes left")}
                    {allowance_cell(line, AllowanceKind::Sms, "SMS left")}
                    {allowance_cell(line, AllowanceKind::Data, "Data left")}
                    <td data-label="Credit" class="num">{line.credit.map(|c| c.format(lang))}</td>
                    <td data-label="Period ends">{line.period_ends_on.map(|d| lang.format_date(d))}</td>
                </tr>
            }
        })
        .collect_view();
    let csv = format!(
        "/usage/lines.csv?sort={}&dir={}",
        overview.sort.as_str(),
        overview.direction.as_str()
    );
    view! {
        <section class="card" aria-labelledby="lines-heading">
            <h2 id="lines-heading">"Every line"</h2>
            {if overview.lines.is_empty() {
                view! { <p>"There are no active lines on your account."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="list stack lines-overview">
                            <thead>
                                <tr>
                                    {sort_header(LineSort::Number, "Number", sorted, false)}
                                    {sort_header(LineSort::Label, "User", sorted, false)}
                                    <th scope="col">"Plan"</th>
                                    {sort_header(LineSort::Minutes, "Minutes left", sorted, false)}
                                    {sort_header(LineSort::Sms, "SMS left", sorted, false)}
                                    {sort_header(LineSort::Data, "Data left", sorted, false)}
                                    {sort_header(LineSort::Credit, "Credit", sorted, true)}
                                    <th scope="col">"Period ends"</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            // The export is the customer's download; staff read the records on the page.
            {acting_for().is_none().then(|| view! { <p><a class="button" href=csv download>"Download CSV"</a></p> })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_links_keep_the_filter_and_leave_out_defaults() {
        let filter = UsageFilter::parse("sms", "2026-11-01", "").unwrap();
        assert_eq!(
            usage_url(7, &filter, UsageKind::Call, Some("123_4")),
            "/usage?line=7&type=sms&from=2026-11-01&chart=calls&after=123_4"
        );
        assert_eq!(
            usage_url(7, &UsageFilter::default(), DEFAULT_CHART, None),
            "/usage?line=7"
        );
    }
}
