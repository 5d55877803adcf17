//! Usage: what a line did (calls, SMS, data sessions), how it reads for people, the filter a
//! customer narrows it with, the use per day drawn as a chart, the overview of every line sorted
//! by what is left, and the CSV files all of it is exported as.
//!
//! # Layout
//!
//! - `records.rs`: [`UsageKind`], [`UsageRecord`], quantities written for people, and
//!   [`UsageFilter`] parsed from the filter form.
//! - `chart.rs`: the use per day of one period ([`PeriodUsage`]) and its bar chart as inline SVG.
//! - `lines.rs`: the overview of every line: what is left, and the sort rules of its columns.
//! - `csv.rs`: RFC 4180 rows of usage records and of the line overview.
//!
//! Times are UTC throughout, and so are the days of a date filter or of the chart: the pages
//! label them so, and a CSV export writes them with a `Z`.

pub mod chart;
pub mod csv;
pub mod lines;
pub mod records;

pub use chart::{chart_svg, DayUsage, PeriodUsage};
pub use lines::{LineSort, SortDirection};
pub use records::{UsageFilter, UsageKind, UsageRecord};
