//! The catalog of tariff plans and add-ons: inserted where a code is missing, then read back by
//! code, so a second run uses what the database holds.

use super::*;

/// Code suffix and payment type of the six plans every market has, in [`Market::plans`] order.
pub(super) const PLAN_KINDS: [(&str, bool); 6] = [
    ("postpaid-s", false),
    ("postpaid-m", false),
    ("postpaid-unlimited", false),
    ("business", false),
    ("prepaid-s", true),
    ("prepaid-m", true),
];
pub(super) const PLAN_S: usize = 0;
pub(super) const PLAN_M: usize = 1;
pub(super) const PLAN_UNLIMITED: usize = 2;
pub(super) const PLAN_BUSINESS: usize = 3;
pub(super) const PLAN_PREPAID_S: usize = 4;
pub(super) const PLAN_PREPAID_M: usize = 5;

/// Prepaid periods and credit validity of the seeded prepaid plans.
pub(super) const PREPAID_PERIOD_DAYS: i64 = 30;
pub(super) const CREDIT_VALIDITY_DAYS: i64 = 180;

/// An add-on every market sells; texts are per market ([`Market::addon_texts`]).
pub(super) struct AddonDef {
    pub(super) suffix: &'static str,
    /// By [`Market::index`]: CZK, PLN, EUR minor units excluding VAT.
    pub(super) prices: [i64; 3],
    pub(super) billing_period: &'static str,
    pub(super) commitment_months: i64,
    pub(super) early_end_fee_cents: Option<[i64; 3]>,
    pub(super) payment_types: &'static str,
    pub(super) may_start_next_period: bool,
    pub(super) kinds: &'static [&'static str],
}

pub(super) const EVERYONE: &[&str] = &["private", "prepaid", "business", "corporate"];
pub(super) const POSTPAID_KINDS: &[&str] = &["private", "business", "corporate"];
pub(super) const ORGANISATIONS: &[&str] = &["business", "corporate"];

pub(super) const ADDONS: [AddonDef; 10] = [
    AddonDef {
        suffix: "data-5gb",
        prices: [19_900, 2_000, 500],
        billing_period: "month",
        commitment_months: 0,
        early_end_fee_cents: None,
        payment_types: "prepaid,postpaid",
        may_start_next_period: false,
        kinds: EVERYONE,
    },
    AddonDef {
        suffix: "data-20gb",
        prices: [39_900, 4_000, 1_000],
        billing_period: "month",
        commitment_months: 0,
        early_end_fee_cents: None,
        payment_types: "prepaid,postpaid",
        may_start_next_period: true,
        kinds: EVERYONE,
    },
    AddonDef {
        suffix: "extra-1gb",
        prices: [9_900, 1_000, 300],
        billing_period: "once",
        commitment_months: 0,
        early_end_fee_cents: None,
        payment_types: "prepaid,postpaid",
        may_start_next_period: false,
        kinds: EVERYONE,
    },
    AddonDef {
        suffix: "roaming-world",
        prices: [29_900, 3_000, 900],
        billing_period: "week",
        commitment_months: 0,
        early_end_fee_cents: None,
        payment_types: "prepaid,postpaid",
        may_start_next_period: false,
        kinds: EVERYONE,
    },
    AddonDef {
        suffix: "unlimited-calls",
        prices: [14_900, 1_500, 500],
        billing_period: "month",
        commitment_months: 0,
        early_end_fee_cents: None,
        payment_types: "postpaid",
        may_start_next_period: true,
        kinds: POSTPAID_KINDS,
    },
    AddonDef {
        suffix: "tv",
        prices: [19_900, 2_500, 700],
        billing_period: "month",
        commitment_months: 0,
        early_end_fee_cents: None,
        payment_types: "postpaid",
        may_start_next_period: false,
        kinds: POSTPAID_KINDS,
    },
    AddonDef {
        suffix: "music",
        prices: [14_900, 1_999, 499],
        billing_period: "month",
        commitment_months: 0,
        early_end_fee_cents: None,
        payment_types: "prepaid,postpaid",
        may_start_next_period: false,
        kinds: EVERYONE,
    },
    AddonDef {
        suffix: "entertainment",
        prices: [29_900, 3_999, 999],
        billing_period: "month",
        commitment_months: 0,
        early_end_fee_cents: None,
        payment_types: "postpaid",
        may_start_next_period: false,
        kinds: POSTPAID_KINDS,
    },
    AddonDef {
        suffix: "insurance",
        prices: [12_900, 1_500, 500],
        billing_period: "month",
        commitment_months: 24,
        early_end_fee_cents: Some([150_000, 15_000, 5_000]),
        payment_types: "postpaid",
        may_start_next_period: false,
        kinds: POSTPAID_KINDS,
    },
    AddonDef {
        suffix: "priority-support",
        prices: [9_900, 1_000, 300],
        billing_period: "month",
        commitment_months: 0,
        early_end_fee_cents: None,
        payment_types: "postpaid",
        may_start_next_period: false,
        kinds: ORGANISATIONS,
    },
];
pub(super) const ADDON_DATA_5GB: usize = 0;
pub(super) const ADDON_DATA_20GB: usize = 1;
pub(super) const ADDON_EXTRA_1GB: usize = 2;
pub(super) const ADDON_TV: usize = 5;
pub(super) const ADDON_MUSIC: usize = 6;
pub(super) const ADDON_ENTERTAINMENT: usize = 7;
pub(super) const ADDON_INSURANCE: usize = 8;
pub(super) const ADDON_PRIORITY: usize = 9;

/// Pairs that cannot be active on one line together; stored in both directions.
pub(super) const INCOMPATIBLE: [(usize, usize); 3] = [
    (ADDON_DATA_5GB, ADDON_DATA_20GB),
    (ADDON_TV, ADDON_ENTERTAINMENT),
    (ADDON_MUSIC, ADDON_ENTERTAINMENT),
];

pub(super) fn plan_code(market: &Market, kind: usize) -> String {
    format!("{}-{}", market.key, PLAN_KINDS[kind].0)
}

pub(super) fn addon_code(market: &Market, addon: usize) -> String {
    format!("{}-{}", market.key, ADDONS[addon].suffix)
}

/// A tariff plan as the database holds it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub(super) struct PlanRecord {
    pub(super) id: i64,
    pub(super) code: String,
    pub(super) name: String,
    pub(super) payment_type: String,
    pub(super) monthly_fee_cents: i64,
    pub(super) minutes_included: Option<i64>,
    pub(super) sms_included: Option<i64>,
    pub(super) data_mb_included: Option<i64>,
    pub(super) period_days: Option<i64>,
    pub(super) credit_validity_days: Option<i64>,
}

/// An add-on as the database holds it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub(super) struct AddonRecord {
    pub(super) id: i64,
    pub(super) code: String,
    pub(super) name: String,
    pub(super) price_cents: i64,
    pub(super) billing_period: String,
    pub(super) commitment_months: i64,
    pub(super) payment_types: String,
}

pub(super) struct Plan {
    pub(super) id: i64,
    pub(super) name: String,
    pub(super) prepaid: bool,
    pub(super) monthly_fee_cents: i64,
    pub(super) minutes_included: Option<i64>,
    pub(super) sms_included: Option<i64>,
    pub(super) data_mb_included: Option<i64>,
    pub(super) period_days: i64,
    pub(super) credit_validity_days: i64,
}

impl Plan {
    pub(super) fn payment_type(&self) -> &'static str {
        if self.prepaid {
            "prepaid"
        } else {
            "postpaid"
        }
    }
}

pub(super) struct Addon {
    pub(super) id: i64,
    pub(super) name: String,
    pub(super) price_cents: i64,
    pub(super) billing_period: String,
    pub(super) commitment_months: i64,
    pub(super) payment_types: String,
    pub(super) kinds: Vec<String>,
    pub(super) incompatible_with: Vec<i64>,
}

impl Addon {
    pub(super) fn is_for(&self, kind: CustomerKind, plan: &Plan) -> bool {
        self.kinds.iter().any(|k| k == kind.as_str())
            && self
                .payment_types
                .split(',')
                .any(|t| t.trim() == plan.payment_type())
    }
}

/// One market's plans (in [`PLAN_KINDS`] order) and add-ons (in [`ADDONS`] order).
pub(super) struct MarketCatalog {
    pub(super) plans: Vec<Plan>,
    pub(super) addons: Vec<Addon>,
}

pub(super) struct Catalog {
    /// By [`Market::index`].
    pub(super) markets: Vec<MarketCatalog>,
}

/// A catalog row to insert: the plan's columns, in the INSERT's order.
pub(super) struct NewPlan {
    pub(super) code: String,
    pub(super) name: &'static str,
    pub(super) payment_type: &'static str,
    pub(super) currency: &'static str,
    pub(super) monthly_fee_cents: i64,
    pub(super) vat_rate_bp: i64,
    pub(super) minutes_included: Option<i64>,
    pub(super) sms_included: Option<i64>,
    pub(super) data_mb_included: Option<i64>,
    pub(super) period_days: Option<i64>,
    pub(super) credit_validity_days: Option<i64>,
}

pub(super) struct NewAddon {
    pub(super) code: String,
    pub(super) texts: [&'static str; 3],
    pub(super) currency: &'static str,
    pub(super) def: &'static AddonDef,
    pub(super) market: usize,
}

/// The catalog as the database holds it: plans, add-ons, (add-on id, customer kind) and
/// incompatible (add-on id, add-on id) pairs.
pub(super) struct CatalogRows {
    pub(super) plans: Vec<PlanRecord>,
    pub(super) addons: Vec<AddonRecord>,
    pub(super) kinds: Vec<(i64, String)>,
    pub(super) pairs: Vec<(i64, i64)>,
}

/// Inserts the plans and add-ons whose codes are missing (with their customer kinds and
/// incompatibilities), then reads the whole catalog back by code.
pub(super) async fn ensure_catalog(db: &Db) -> Result<Catalog> {
    let (plan_codes, addon_codes): (Vec<String>, Vec<String>) = on_db!(db, |pool| {
        let plans = sqlx::query_scalar("SELECT code FROM tariff_plans")
            .fetch_all(pool)
            .await?;
        let addons = sqlx::query_scalar("SELECT code FROM addons")
            .fetch_all(pool)
            .await?;
        (plans, addons)
    });
    let mut new_plans = Vec::new();
    let mut new_addons = Vec::new();
    for market in MARKETS {
        for (kind, &(_, prepaid)) in PLAN_KINDS.iter().enumerate() {
            let code = plan_code(market, kind);
            if plan_codes.contains(&code) {
                continue;
            }
            let (name, fee, minutes, sms, data_mb) = market.plans[kind];
            new_plans.push(NewPlan {
                code,
                name,
                payment_type: if prepaid { "prepaid" } else { "postpaid" },
                currency: market.currency.code(),
                monthly_fee_cents: fee,
                vat_rate_bp: market.vat_rate_bp,
                minutes_included: minutes,
                sms_included: sms,
                data_mb_included: data_mb,
                // Postpaid periods are the account's billing month (its cycle day), not a
                // number of days: NULL.
                period_days: prepaid.then_some(PREPAID_PERIOD_DAYS),
                credit_validity_days: prepaid.then_some(CREDIT_VALIDITY_DAYS),
            });
        }
        for (index, def) in ADDONS.iter().enumerate() {
            let code = addon_code(market, index);
            if !addon_codes.contains(&code) {
                new_addons.push(NewAddon {
                    code,
                    texts: market.addon_texts[index],
                    currency: market.currency.code(),
                    def,
                    market: market.index,
                });
            }
        }
    }

    let CatalogRows {
        plans,
        addons,
        kinds,
        pairs,
    } = on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        if !new_plans.is_empty() {
            let mut query = sqlx::QueryBuilder::new(
                    "INSERT INTO tariff_plans (code, name, payment_type, currency, monthly_fee_cents, vat_rate_bp, \
                     minutes_included, sms_included, data_mb_included, period_days, credit_validity_days) ",
                );
            query.push_values(&new_plans, |mut row, p| {
                row.push_bind(&p.code)
                    .push_bind(p.name)
                    .push_bind(p.payment_type)
                    .push_bind(p.currency)
                    .push_bind(p.monthly_fee_cents)
                    .push_bind(p.vat_rate_bp)
                    .push_bind(p.minutes_included)
                    .push_bind(p.sms_included)
                    .push_bind(p.data_mb_included)
                    .push_bind(p.period_days)
                    .push_bind(p.credit_validity_days);
            });
            query.push(" ON CONFLICT (code) DO NOTHING");
            query.build().execute(&mut *tx).await?;
        }
        if !new_addons.is_empty() {
            let mut query = sqlx::QueryBuilder::new(
                    "INSERT INTO addons (code, name, description, conditions, currency, price_cents, billing_period, \
                     commitment_months, early_end_fee_cents, payment_types, may_start_next_period, available) ",
                );
            query.push_values(&new_addons, |mut row, a| {
                row.push_bind(&a.code)
                    .push_bind(a.texts[0])
                    .push_bind(a.texts[1])
                    .push_bind(a.texts[2])
                    .push_bind(a.currency)
                    .push_bind(a.def.prices[a.market])
                    .push_bind(a.def.billing_period)
                    .push_bind(a.def.commitment_months)
                    .push_bind(a.def.early_end_fee_cents.map(|fees| fees[a.market]))
                    .push_bind(a.def.payment_types)
                    .push_bind(a.def.may_start_next_period)
                    .push_bind(true);
            });
            query.push(" ON CONFLICT (code) DO NOTHING");
            query.build().execute(&mut *tx).await?;
        }
        let addons: Vec<AddonRecord> = sqlx::query_as(
                "SELECT id, code, name, price_cents, billing_period, commitment_months, payment_types FROM addons",
            )
            .fetch_all(&mut *tx)
            .await?;

        // Kinds and incompatibilities only for add-ons inserted now: rows of add-ons that
        // were already there are someone else's to change.
        let id_of = |code: &str| addons.iter().find(|a| a.code == code).map(|a| a.id);
        let mut kind_rows: Vec<(i64, &str)> = Vec::new();
        let mut pair_rows: Vec<(i64, i64)> = Vec::new();
        for new in &new_addons {
            if let Some(id) = id_of(&new.code) {
                kind_rows.extend(new.def.kinds.iter().map(|kind| (id, *kind)));
            }
        }
        for market in MARKETS {
            for (a, b) in INCOMPATIBLE {
                let (code_a, code_b) = (addon_code(market, a), addon_code(market, b));
                let is_new = new_addons
                    .iter()
                    .any(|n| n.code == code_a || n.code == code_b);
                if let (true, Some(a), Some(b)) = (is_new, id_of(&code_a), id_of(&code_b)) {
                    pair_rows.push((a, b));
                    pair_rows.push((b, a));
                }
            }
        }
        if !kind_rows.is_empty() {
            let mut query =
                sqlx::QueryBuilder::new("INSERT INTO addon_customer_kinds (addon_id, kind) ");
            query.push_values(&kind_rows, |mut row, (id, kind)| {
                row.push_bind(*id).push_bind(*kind);
            });
            query.push(" ON CONFLICT DO NOTHING");
            query.build().execute(&mut *tx).await?;
        }
        if !pair_rows.is_empty() {
            let mut query = sqlx::QueryBuilder::new(
                "INSERT INTO addon_incompatibilities (addon_id, other_addon_id) ",
            );
            query.push_values(&pair_rows, |mut row, (a, b)| {
                row.push_bind(*a).push_bind(*b);
            });
            query.push(" ON CONFLICT DO NOTHING");
            query.build().execute(&mut *tx).await?;
        }

        let plans: Vec<PlanRecord> = sqlx::query_as(
                "SELECT id, code, name, payment_type, monthly_fee_cents, minutes_included, sms_included, \
                 data_mb_included, period_days, credit_validity_days FROM tariff_plans",
            )
            .fetch_all(&mut *tx)
            .await?;
        let kinds: Vec<(i64, String)> =
            sqlx::query_as("SELECT addon_id, kind FROM addon_customer_kinds")
                .fetch_all(&mut *tx)
                .await?;
        let pairs: Vec<(i64, i64)> =
            sqlx::query_as("SELECT addon_id, other_addon_id FROM addon_incompatibilities")
                .fetch_all(&mut *tx)
                .await?;
        tx.commit().await?;
        CatalogRows {
            plans,
            addons,
            kinds,
            pairs,
        }
    });

    let missing =
        |code: &str| StoreError::Seed(format!("catalog row {code} is missing after seeding it"));
    let mut markets = Vec::with_capacity(MARKETS.len());
    for market in MARKETS {
        let mut market_plans = Vec::with_capacity(PLAN_KINDS.len());
        for kind in 0..PLAN_KINDS.len() {
            let code = plan_code(market, kind);
            let record = plans
                .iter()
                .find(|p| p.code == code)
                .ok_or_else(|| missing(&code))?;
            market_plans.push(Plan {
                id: record.id,
                name: record.name.clone(),
                prepaid: record.payment_type == "prepaid",
                monthly_fee_cents: record.monthly_fee_cents,
                minutes_included: record.minutes_included,
                sms_included: record.sms_included,
                data_mb_included: record.data_mb_included,
                period_days: record
                    .period_days
                    .filter(|d| *d > 0)
                    .unwrap_or(PREPAID_PERIOD_DAYS),
                credit_validity_days: record.credit_validity_days.unwrap_or(CREDIT_VALIDITY_DAYS),
            });
        }
        let mut market_addons = Vec::with_capacity(ADDONS.len());
        for index in 0..ADDONS.len() {
            let code = addon_code(market, index);
            let record = addons
                .iter()
                .find(|a| a.code == code)
                .ok_or_else(|| missing(&code))?;
            market_addons.push(Addon {
                id: record.id,
                name: record.name.clone(),
                price_cents: record.price_cents,
                billing_period: record.billing_period.clone(),
                commitment_months: record.commitment_months,
                payment_types: record.payment_types.clone(),
                kinds: kinds
                    .iter()
                    .filter(|(id, _)| *id == record.id)
                    .map(|(_, k)| k.clone())
                    .collect(),
                incompatible_with: pairs
                    .iter()
                    .filter(|(id, _)| *id == record.id)
                    .map(|(_, other)| *other)
                    .collect(),
            });
        }
        markets.push(MarketCatalog {
            plans: market_plans,
            addons: market_addons,
        });
    }
    Ok(Catalog { markets })
}
