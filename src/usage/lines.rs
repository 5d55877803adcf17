//! The overview of every line (`/usage/lines`): what is left of each allowance, the credit, and
//! the rules its columns sort by. Sorting happens here, on the lines the overview already read,
//! so the page and its CSV export sort the same way by construction.

use std::cmp::Ordering;

use crate::balances::{Allowance, AllowanceKind};
use crate::customer::text_enum;
use crate::dashboard::LineOverview;
use crate::locale::base_letter;

text_enum!(
    /// A column the overview sorts by.
    LineSort { Number = "number", Label = "label", Minutes = "minutes", Sms = "sms", Data = "data", Credit = "credit" }
);

text_enum!(
    /// Which way a column sorts.
    SortDirection { Asc = "asc", Desc = "desc" }
);

impl SortDirection {
    pub fn flipped(self) -> Self {
        match self {
            Self::Asc => Self::Desc,
            Self::Desc => Self::Asc,
        }
    }

    /// The value of `aria-sort` on a header sorted this way.
    pub fn aria(self) -> &'static str {
        match self {
            Self::Asc => "ascending",
            Self::Desc => "descending",
        }
    }
}

impl LineSort {
    /// Reads `?sort=&dir=`; anything unknown falls back to the number, ascending.
    pub fn from_query(sort: &str, dir: &str) -> (Self, SortDirection) {
        (
            Self::parse(sort).unwrap_or(Self::Number),
            SortDirection::parse(dir).unwrap_or(SortDirection::Asc),
        )
    }

    /// The allowance a column shows, if it shows one.
    pub fn allowance(self) -> Option<AllowanceKind> {
        match self {
            Self::Minutes => Some(AllowanceKind::Minutes),
            Self::Sms => Some(AllowanceKind::Sms),
            Self::Data => Some(AllowanceKind::Data),
            Self::Number | Self::Label | Self::Credit => None,
        }
    }
}

/// What is left of one allowance, ordered as the overview sorts it: a line without a running
/// period has nothing to show and comes first; an unlimited allowance has the most left.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Left {
    NoPeriod,
    Amount(i64),
    Unlimited,
}

/// The line's allowance of `kind`, if a period is running.
pub fn allowance_of(line: &LineOverview, kind: AllowanceKind) -> Option<&Allowance> {
    line.allowances.iter().find(|a| a.kind == kind)
}

pub fn left_of(line: &LineOverview, kind: AllowanceKind) -> Left {
    match allowance_of(line, kind) {
        None => Left::NoPeriod,
        Some(a) => a.left().map_or(Left::Unlimited, Left::Amount),
    }
}

/// A label as it sorts: without case, and with the accents of the portal's languages taken off
/// (so "Čermák" sorts among the C's rather than after Z). Missing labels sort as empty.
fn label_key(line: &LineOverview) -> String {
    line.label
        .as_deref()
        .unwrap_or("")
        .to_lowercase()
        .chars()
        .map(base_letter)
        .collect()
}

/// Sorts `lines` by one column. Ties (and the whole order, for equal keys) fall back to the
/// number, ascending, whichever way the column sorts, so the order is always the same.
/// Prepaid credit: postpaid lines have none and sort below any credit.
pub fn sort_lines(lines: &mut [LineOverview], by: LineSort, direction: SortDirection) {
    let compare = |a: &LineOverview, b: &LineOverview| -> Ordering {
        match by.allowance() {
            Some(kind) => left_of(a, kind).cmp(&left_of(b, kind)),
            None => match by {
                LineSort::Label => label_key(a)
                    .cmp(&label_key(b))
                    .then_with(|| a.label.cmp(&b.label)),
                LineSort::Credit => a.credit.map(|m| m.amount).cmp(&b.credit.map(|m| m.amount)),
                _ => Ordering::Equal,
            },
        }
    };
    lines.sort_by(|a, b| {
        let order = compare(a, b);
        let order = match direction {
            SortDirection::Asc => order,
            SortDirection::Desc => order.reverse(),
        };
        let by_number = a.msisdn.as_str().cmp(b.msisdn.as_str());
        match by {
            LineSort::Number if direction == SortDirection::Desc => by_number.reverse(),
            _ => order.then(by_number),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::customer::{LineStatus, PaymentType};
    use crate::ids::{AccountId, LineId, Msisdn};
    use crate::money::{Currency, Money};

    fn line(id: i64, label: Option<&str>, minutes: Option<(Option<i64>, i64)>) -> LineOverview {
        LineOverview {
            id: LineId::trusted(id),
            account_id: AccountId::trusted(1),
            msisdn: Msisdn::from_stored(format!("+42060310000{id}")),
            label: label.map(str::to_string),
            plan: "Business".into(),
            payment_type: PaymentType::Postpaid,
            status: LineStatus::Active,
            due: None,
            credit: None,
            credit_expires_on: None,
            allowances: minutes
                .map(|(included, used)| {
                    vec![
                        Allowance::minutes(included, used * 60),
                        Allowance::sms(Some(100), 0),
                        Allowance::data(None, 0),
                    ]
                })
                .unwrap_or_default(),
            period_ends_on: None,
            usage_as_of: None,
            roaming_on: false,
            data_roaming_on: false,
            data_cap: crate::services::roaming::DataCap {
                cap: None,
                spent: Money::from_cents(0, Currency::Czk),
                continue_past_cap: false,
            },
            active_addons: 0,
        }
    }

    fn sample() -> Vec<LineOverview> {
        vec![
            line(1, Some("Pavel"), Some((Some(300), 100))), // 200 left
            line(2, Some("čeněk"), Some((None, 900))),      // unlimited
            line(3, None, None),                            // no period
            line(4, Some("Adam"), Some((Some(300), 280))),  // 20 left
            line(5, Some("Dana"), Some((Some(100), 100))),  // 0 left
        ]
    }

    /// The ids of `lines` sorted by `by`, ascending and then descending.
    fn both_ways(mut lines: Vec<LineOverview>, by: LineSort) -> [Vec<i64>; 2] {
        [SortDirection::Asc, SortDirection::Desc].map(|direction| {
            sort_lines(&mut lines, by, direction);
            lines.iter().map(|l| l.id.get()).collect()
        })
    }

    #[test]
    fn unlimited_sorts_as_the_most_left() {
        assert_eq!(
            both_ways(sample(), LineSort::Minutes),
            [vec![3, 5, 4, 1, 2], vec![2, 1, 4, 5, 3]]
        );
    }

    #[test]
    fn equal_amounts_fall_back_to_the_number() {
        // Every line with a period has 100 SMS left; the one without has the least.
        assert_eq!(
            both_ways(sample(), LineSort::Sms),
            [vec![3, 1, 2, 4, 5], vec![1, 2, 4, 5, 3]]
        );
    }

    #[test]
    fn labels_sort_without_case_or_accents_and_missing_ones_first() {
        assert_eq!(
            both_ways(sample(), LineSort::Label),
            [vec![3, 4, 2, 5, 1], vec![1, 5, 2, 4, 3]]
        );
        assert_eq!(
            both_ways(sample(), LineSort::Number),
            [vec![1, 2, 3, 4, 5], vec![5, 4, 3, 2, 1]]
        );
    }

    #[test]
    fn credit_sorts_prepaid_lines_by_amount_and_postpaid_lines_below_them() {
        let mut lines = sample();
        lines[0].credit = Some(Money::from_cents(5_000, Currency::Czk));
        lines[3].credit = Some(Money::from_cents(120, Currency::Czk));
        assert_eq!(
            both_ways(lines, LineSort::Credit),
            [vec![2, 3, 5, 4, 1], vec![1, 4, 2, 3, 5]]
        );
    }

    #[test]
    fn an_unknown_sort_in_the_address_falls_back_to_the_number() {
        assert_eq!(
            LineSort::from_query("minutes", "desc"),
            (LineSort::Minutes, SortDirection::Desc)
        );
        assert_eq!(
            LineSort::from_query("price", "sideways"),
            (LineSort::Number, SortDirection::Asc)
        );
        assert_eq!(SortDirection::Asc.flipped().aria(), "descending");
    }
}
