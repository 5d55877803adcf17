//! Usage: one line's allowances, records and use per day (`/usage`), and the overview of every
//! line (`/usage/lines`). No function takes a customer id: the session decides whose data it is
//! (or the agent's open access, `acting_for`, see `ssr::subject_logging_view`), and the store scopes every
//! query to it. What is left of the allowances comes from the
//! overview's query (`Db::dashboard`), so both pages always agree.

use leptos::prelude::*;
use selfcare::dashboard::LineOverview;
use selfcare::ids::CustomerId;
use selfcare::locale::Language;
use selfcare::usage::{LineSort, PeriodUsage, SortDirection, UsageFilter, UsageRecord};
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// `/usage`: one line of the customer's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsagePage {
    pub language: Language,
    pub today: chrono::NaiveDate,
    /// Every line, for the chooser.
    pub lines: Vec<LineOverview>,
    /// The line shown; `None` when the customer has no active line.
    pub line: Option<LineOverview>,
    /// The filter applied to the records (none when the one asked for was not valid).
    pub filter: UsageFilter,
    /// Why the filter asked for could not be applied, in words for the customer.
    pub filter_error: Option<String>,
    /// One page of records, newest first.
    pub records: Vec<UsageRecord>,
    /// The cursor of the next (older) page.
    pub older: Option<String>,
    /// The use per day of the current period; `None` when no period is running.
    pub period: Option<PeriodUsage>,
}

/// `/usage/lines`: every line, sorted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinesOverview {
    pub language: Language,
    pub lines: Vec<LineOverview>,
    pub sort: LineSort,
    pub direction: SortDirection,
}

/// Usage records per page.
pub const RECORDS_PER_PAGE: u32 = 50;

/// One line's allowances, records (filtered, one page after `after`) and use per day. No
/// `line`: the first line. A line that is not the customer's is not found.
#[server(prefix = "/api", endpoint = "usage")]
pub async fn load_usage(
    line: Option<i64>,
    kind: Option<String>,
    from: Option<String>,
    to: Option<String>,
    after: Option<String>,
    acting_for: Option<CustomerId>,
) -> Result<UsagePage, AppError> {
    use selfcare::paging::Cursor;

    let customer = crate::ssr::subject_logging_view(acting_for, selfcare::audit::Page::Usage)
        .await?
        .customer;
    let db = crate::ssr::state()?.db;
    let now = chrono::Utc::now();
    let today = now.date_naive();
    let profile = db.profile(customer).await?;
    let lines = db.line_overviews(customer, profile.currency, now).await?;
    let chosen = match line {
        Some(id) => Some(
            lines
                .iter()
                .find(|l| l.id.get() == id)
                .cloned()
                .ok_or(AppError::NotFound)?,
        ),
        None => lines.first().cloned(),
    };
    let parsed = UsageFilter::parse(
        kind.as_deref().unwrap_or_default(),
        from.as_deref().unwrap_or_default(),
        to.as_deref().unwrap_or_default(),
    );
    let after = Cursor::from_query(after)?;
    let mut page = UsagePage {
        language: profile.language,
        today,
        lines,
        line: chosen.clone(),
        filter: UsageFilter::default(),
        filter_error: None,
        records: Vec::new(),
        older: None,
        period: None,
    };
    let Some(line) = chosen else {
        return Ok(page);
    };
    match parsed {
        Ok(filter) => {
            let records = db
                .usage_records(customer, line.id, &filter, after.as_ref(), RECORDS_PER_PAGE)
                .await?;
            page.filter = filter;
            page.records = records.items;
            page.older = records.next;
        }
        Err(e) => page.filter_error = Some(e.message),
    }
    page.period = db.usage_per_day(customer, line.id, today).await?;
    Ok(page)
}

/// Every line of the customer's with what is left, sorted by `sort` (`number`, `label`,
/// `minutes`, `sms`, `data`, `credit`) in `dir` (`asc`, `desc`); anything else sorts by number.
#[server(prefix = "/api", endpoint = "usage_lines")]
pub async fn load_lines_overview(
    sort: Option<String>,
    dir: Option<String>,
    acting_for: Option<CustomerId>,
) -> Result<LinesOverview, AppError> {
    let customer =
        crate::ssr::subject_logging_view(acting_for, selfcare::audit::Page::UsageOfEveryLine)
            .await?
            .customer;
    let db = crate::ssr::state()?.db;
    let (sort, direction) = LineSort::from_query(
        sort.as_deref().unwrap_or_default(),
        dir.as_deref().unwrap_or_default(),
    );
    let profile = db.profile(customer).await?;
    let mut lines = db
        .line_overviews(customer, profile.currency, chrono::Utc::now())
        .await?;
    selfcare::usage::lines::sort_lines(&mut lines, sort, direction);
    Ok(LinesOverview {
        language: profile.language,
        lines,
        sort,
        direction,
    })
}
