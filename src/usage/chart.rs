//! The use per day of one allowance period, and its bar chart as inline SVG: drawn on the
//! server, so it shows without JavaScript, with `role="img"` and a summary for screen readers
//! (the page adds a table of the same figures).
//!
//! A chart shows one kind at a time, in the unit people think of it in: calls in minutes (a
//! started minute counts, as on the allowance), SMS, data in MB with one decimal. Every day of
//! the period up to today has a bar, a zero-height one when nothing was used.

use std::fmt::Write;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::records::{kb_to_tenths_of_mb, UsageKind};
use crate::locale::Language;

/// One day's use of a line, in stored units (seconds, messages, kB), UTC days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayUsage {
    pub day: NaiveDate,
    pub call_seconds: i64,
    pub sms: i64,
    pub data_kb: i64,
}

impl DayUsage {
    pub fn nothing(day: NaiveDate) -> Self {
        Self {
            day,
            call_seconds: 0,
            sms: 0,
            data_kb: 0,
        }
    }

    /// The day's sum of one kind, in its stored unit.
    pub fn of(&self, kind: UsageKind) -> i64 {
        match kind {
            UsageKind::Call => self.call_seconds,
            UsageKind::Sms => self.sms,
            UsageKind::Data => self.data_kb,
        }
    }
}

/// The use per day of the current allowance period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodUsage {
    pub first_day: NaiveDate,
    /// The period's last day (it resets the day after).
    pub last_day: NaiveDate,
    /// One entry a day from `first_day` through today (or `last_day`), oldest first.
    pub days: Vec<DayUsage>,
}

impl PeriodUsage {
    /// Puts sums per day and kind (as the store groups them) into one entry a day from
    /// `first_day` through `through` (at most `last_day`); days without a sum are zero, sums of
    /// other days are left out.
    pub fn from_sums(
        first_day: NaiveDate,
        last_day: NaiveDate,
        through: NaiveDate,
        sums: &[(NaiveDate, UsageKind, i64)],
    ) -> Self {
        let through = through.min(last_day);
        let days: Vec<DayUsage> = first_day
            .iter_days()
            .take_while(|d| *d <= through)
            .map(|day| {
                let mut usage = DayUsage::nothing(day);
                for &(_, kind, sum) in sums.iter().filter(|(d, _, _)| *d == day) {
                    match kind {
                        UsageKind::Call => usage.call_seconds += sum,
                        UsageKind::Sms => usage.sms += sum,
                        UsageKind::Data => usage.data_kb += sum,
                    }
                }
                usage
            })
            .collect();
        Self {
            first_day,
            last_day,
            days,
        }
    }
}

impl UsageKind {
    /// What a chart of this kind is called: `Calls`, `SMS`, `Data`.
    pub fn chart_name(self) -> &'static str {
        match self {
            Self::Call => "Calls",
            Self::Sms => "SMS",
            Self::Data => "Data",
        }
    }

    /// The unit a chart of this kind counts in.
    pub fn chart_unit(self) -> &'static str {
        match self {
            Self::Call => "min",
            Self::Sms => "SMS",
            Self::Data => "MB",
        }
    }

    /// A day's sum (stored unit) as the chart counts it: whole minutes (rounded up), messages,
    /// or tenths of a MB.
    pub fn chart_value(self, stored: i64) -> i64 {
        match self {
            Self::Call => (stored.max(0) + 59) / 60,
            Self::Sms => stored.max(0),
            Self::Data => kb_to_tenths_of_mb(stored),
        }
    }

    /// A chart value written with its unit: `12 min`, `3 SMS`, `12,4 MB`.
    pub fn format_chart_value(self, value: i64, lang: Language) -> String {
        let number = match self {
            Self::Data => lang.format_tenths(value),
            Self::Call | Self::Sms => lang.group_digits(&value.to_string()),
        };
        format!("{number}\u{a0}{}", self.chart_unit())
    }

    /// The smallest top of the scale: one unit.
    fn chart_step(self) -> i64 {
        match self {
            Self::Data => 10,
            Self::Call | Self::Sms => 1,
        }
    }
}

/// The top of the scale: the smallest 1, 2 or 5 × 10ⁿ (in chart units) at or above `max`, and
/// never below one whole unit, so a day of nothing draws as nothing, not as a full bar.
pub fn scale_top(max: i64, at_least: i64) -> i64 {
    let target = max.max(at_least).max(1);
    let mut magnitude = 1_i64;
    loop {
        for factor in [1, 2, 5] {
            let top = factor * magnitude;
            if top >= target {
                return top;
            }
        }
        magnitude = magnitude.saturating_mul(10);
    }
}

/// One bar's place in the drawing: across in per cent of the chart's width, up and down in
/// pixels (the chart is as wide as its box and a fixed height, so its text is never scaled).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bar {
    /// Left edge, % of the width.
    pub x: f64,
    /// % of the width.
    pub width: f64,
    /// Top edge, px.
    pub y: f64,
    /// px.
    pub height: f64,
}

/// The chart's height in px; the scale's labels sit above their lines, inside the plot, so
/// the bars can use the whole width.
const HEIGHT: f64 = 220.0;
const TOP: f64 = 18.0;
const BOTTOM: f64 = 24.0;
const PLOT_HEIGHT: f64 = HEIGHT - TOP - BOTTOM;

/// Bars for `values` on a scale from 0 to `top`: equal slots side by side across the width,
/// each bar 70 % of its slot, its height proportional to its value, standing on the baseline.
pub fn bars(values: &[i64], top: i64) -> Vec<Bar> {
    let slot = 100.0 / values.len().max(1) as f64;
    let width = slot * 0.7;
    values
        .iter()
        .enumerate()
        .map(|(i, &value)| {
            let height = PLOT_HEIGHT * value.clamp(0, top) as f64 / top.max(1) as f64;
            Bar {
                x: slot * i as f64 + (slot - width) / 2.0,
                width,
                y: TOP + PLOT_HEIGHT - height,
                height,
            }
        })
        .collect()
}

/// What the chart says, in a sentence: its name for screen readers.
pub fn chart_summary(kind: UsageKind, days: &[DayUsage], lang: Language) -> String {
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return format!("{} per day: no days to show.", kind.chart_name());
    };
    let values: Vec<(NaiveDate, i64)> = days
        .iter()
        .map(|d| (d.day, kind.chart_value(d.of(kind))))
        .collect();
    let total: i64 = values.iter().map(|(_, v)| v).sum();
    let period = format!(
        "{} per day from {} to {}",
        kind.chart_name(),
        lang.format_date(first.day),
        lang.format_date(last.day)
    );
    // The first of equal maxima: the day it was first reached.
    let most = values
        .iter()
        .fold(None::<(NaiveDate, i64)>, |best, &(day, v)| match best {
            Some((_, b)) if b >= v => best,
            _ => Some((day, v)),
        });
    match most {
        Some((day, value)) if total > 0 => format!(
            "{period}: {} in total, the most on {} ({}).",
            kind.format_chart_value(total, lang),
            lang.format_date(day),
            kind.format_chart_value(value, lang)
        ),
        _ => format!("{period}: nothing used."),
    }
}

/// The bar chart of one kind's use per day as an `<svg>` element to put inline in HTML: one
/// `rect.day` a day (with `data-day` and `data-value` in chart units), gridlines at 0, the half
/// and the top of the scale (the latter two with their values), and day-of-month labels below. As wide as its
/// box and 220 px high.
pub fn chart_svg(kind: UsageKind, days: &[DayUsage], lang: Language) -> String {
    let values: Vec<i64> = days.iter().map(|d| kind.chart_value(d.of(kind))).collect();
    let top = scale_top(values.iter().copied().max().unwrap_or(0), kind.chart_step());
    let summary = chart_summary(kind, days, lang);
    let mut svg = String::with_capacity(4_096 + days.len() * 200);
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="100%" height="{HEIGHT}" role="img" aria-label="{}">"#,
        escape(&summary)
    );
    // A line at the half only where the half is a whole chart unit (not on a top of 1 or 5).
    let halves: &[i64] = if top % 2 == 0 { &[0, 1, 2] } else { &[0, 2] };
    let line_y = |step: i64| TOP + PLOT_HEIGHT - PLOT_HEIGHT * step as f64 / 2.0;
    svg.push_str(r#"<g class="grid">"#);
    for &step in halves {
        let y = line_y(step);
        let _ = write!(svg, r#"<line x1="0" x2="100%" y1="{y:.1}" y2="{y:.1}"/>"#);
    }
    svg.push_str(r#"</g><g class="bars">"#);
    for ((day, value), bar) in days.iter().zip(&values).zip(bars(&values, top)) {
        let _ = write!(
            svg,
            r#"<rect class="day" data-day="{}" data-value="{value}" x="{:.3}%" y="{:.1}" width="{:.3}%" height="{:.1}"><title>{}: {}</title></rect>"#,
            day.day,
            bar.x,
            bar.y,
            bar.width,
            bar.height,
            escape(&lang.format_date(day.day)),
            escape(&kind.format_chart_value(*value, lang)),
        );
    }
    // The scale's values after the bars, so they stay readable over a tall one; the baseline
    // needs none.
    svg.push_str(r#"</g><g class="scale">"#);
    for &step in halves.iter().filter(|s| **s > 0) {
        let _ = write!(
            svg,
            r#"<text x="2" y="{:.1}">{}</text>"#,
            line_y(step) - 4.0,
            escape(&kind.format_chart_value(top * step / 2, lang)),
        );
    }
    svg.push_str(r#"</g><g class="days">"#);
    // About ten labels, whatever the period's length.
    let every = days.len().div_ceil(10).max(1);
    let slot = 100.0 / days.len().max(1) as f64;
    for (i, day) in days.iter().enumerate().filter(|(i, _)| i % every == 0) {
        let _ = write!(
            svg,
            r#"<text x="{:.3}%" y="{}" text-anchor="middle">{}</text>"#,
            slot * (i as f64 + 0.5),
            HEIGHT - 6.0,
            chrono::Datelike::day(&day.day),
        );
    }
    svg.push_str("</g></svg>");
    svg
}

/// Escapes text for an XML attribute or element.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn period() -> PeriodUsage {
        let sums = [
            (day(3), UsageKind::Data, 2_048),
            (day(3), UsageKind::Call, 61),
            (day(5), UsageKind::Data, 10_240),
            (day(5), UsageKind::Sms, 2),
            // Outside the days drawn: left out.
            (day(9), UsageKind::Data, 99_999),
        ];
        PeriodUsage::from_sums(day(1), day(30), day(6), &sums)
    }

    #[test]
    fn every_day_up_to_today_has_an_entry_and_quiet_days_are_zero() {
        let p = period();
        assert_eq!(p.days.len(), 6);
        assert_eq!(p.days[0], DayUsage::nothing(day(1)));
        assert_eq!(p.days[2].data_kb, 2_048);
        assert_eq!(p.days[2].call_seconds, 61);
        assert_eq!(p.days[4].sms, 2);
        let total: i64 = p.days.iter().map(|d| d.data_kb).sum();
        assert_eq!(total, 12_288);
        // A period that ended is drawn to its last day.
        assert_eq!(
            PeriodUsage::from_sums(day(1), day(3), day(20), &[])
                .days
                .len(),
            3
        );
    }

    #[test]
    fn chart_values_are_minutes_messages_and_tenths_of_a_megabyte() {
        assert_eq!(UsageKind::Call.chart_value(61), 2);
        assert_eq!(UsageKind::Call.chart_value(0), 0);
        assert_eq!(UsageKind::Sms.chart_value(3), 3);
        assert_eq!(UsageKind::Data.chart_value(12_698), 124);
        let plain = |kind: UsageKind, v| {
            kind.format_chart_value(v, Language::Cs)
                .replace('\u{a0}', " ")
        };
        assert_eq!(plain(UsageKind::Data, 124), "12,4 MB");
        assert_eq!(plain(UsageKind::Call, 1_500), "1 500 min");
    }

    #[test]
    fn the_scale_ends_on_a_round_number_above_the_highest_day() {
        assert_eq!(scale_top(0, 1), 1);
        assert_eq!(scale_top(0, 10), 10);
        assert_eq!(scale_top(7, 1), 10);
        assert_eq!(scale_top(10, 1), 10);
        assert_eq!(scale_top(11, 1), 20);
        assert_eq!(scale_top(374, 10), 500);
        assert_eq!(scale_top(1_999, 1), 2_000);
    }

    #[test]
    fn bar_heights_are_proportional_to_the_values() {
        let drawn = bars(&[0, 5, 10, 20], 20);
        assert_eq!(drawn.len(), 4);
        assert_eq!(drawn[0].height, 0.0);
        assert!((drawn[2].height - 2.0 * drawn[1].height).abs() < 1e-9);
        assert!((drawn[3].height - PLOT_HEIGHT).abs() < 1e-9);
        // All stand on the baseline, side by side, inside the width.
        for bar in &drawn {
            assert!((bar.y + bar.height - (TOP + PLOT_HEIGHT)).abs() < 1e-9);
            assert!(bar.x >= 0.0 && bar.x + bar.width <= 100.0);
        }
        assert!(drawn.windows(2).all(|w| w[0].x + w[0].width < w[1].x));
    }

    #[test]
    fn the_svg_has_one_bar_a_day_with_its_value() {
        let p = period();
        let svg = chart_svg(UsageKind::Data, &p.days, Language::Cs);
        assert!(svg.starts_with("<svg "));
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains(r#"role="img""#));
        assert_eq!(svg.matches(r#"<rect class="day""#).count(), 6);
        assert!(svg.contains(r#"data-day="2026-11-05" data-value="100""#));
        assert!(svg.contains(r#"data-day="2026-11-01" data-value="0""#));
        // The highest day (10 MB) reaches the top of a 10 MB scale.
        assert!(svg.contains(&format!(r#"height="{PLOT_HEIGHT:.1}"><title>5."#)));
        assert!(svg.contains("10\u{a0}MB</text>"));
    }

    #[test]
    fn the_summary_names_the_total_and_the_busiest_day() {
        let p = period();
        let data = chart_summary(UsageKind::Data, &p.days, Language::En).replace('\u{a0}', " ");
        assert_eq!(
            data,
            "Data per day from 1 Nov 2026 to 6 Nov 2026: 12 MB in total, the most on 5 Nov 2026 (10 MB)."
        );
        let quiet = PeriodUsage::from_sums(day(1), day(30), day(2), &[]);
        assert!(chart_summary(UsageKind::Sms, &quiet.days, Language::En).ends_with("nothing used."));
        let calls = chart_svg(UsageKind::Call, &quiet.days, Language::En);
        assert!(calls.contains("nothing used."));
        assert_eq!(calls.matches(r#"height="0.0""#).count(), 2);
    }
}
