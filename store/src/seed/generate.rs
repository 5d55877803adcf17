//! Generation: a [`Generator`] turns a [`CustomerSpec`] (random, or one of the fixed demo
//! customers) into the rows of a [`Batch`]. Pure Rust driven by one `ChaCha8Rng`: the same seed,
//! customer count and `today` give the same rows on a fresh database.

use super::*;

/// How a postpaid account's twelve invoices are settled.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum InvoiceStory {
    /// Mostly paid; some accounts owe the newest, a few an older one (sometimes partly paid).
    Random,
    /// All paid but the newest.
    NewestOpen,
    /// The newest open, the one before it partly paid and overdue.
    NewestOpenPreviousPartlyPaid,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Settlement {
    Paid,
    Open,
    PartlyPaid,
}

/// A customer to generate: everything chosen up front, so demo and random customers share one
/// path through [`Generator::emit`].
pub(super) struct CustomerSpec<'c> {
    pub(super) id: i64,
    pub(super) kind: CustomerKind,
    pub(super) market: &'static Market,
    pub(super) name: String,
    pub(super) email: String,
    /// `None`: the first line's number (people) or a landline from the customer id
    /// (organisations).
    pub(super) phone: Option<String>,
    pub(super) language: &'static str,
    pub(super) address: String,
    pub(super) cycle_day: u32,
    /// Days from a billing period's end to the invoice.
    pub(super) issue_lag: i64,
    pub(super) payment_method: &'static str,
    pub(super) paper_invoices: bool,
    pub(super) low_credit_threshold_cents: Option<i64>,
    pub(super) lines: Vec<LineSpec<'c>>,
    pub(super) story: InvoiceStory,
}

pub(super) struct LineSpec<'c> {
    /// `None`: derived from the line id in the market's reserved range.
    pub(super) msisdn: Option<String>,
    pub(super) label: Option<String>,
    pub(super) plan: &'c Plan,
    pub(super) activated_on: NaiveDate,
    pub(super) roaming_on: bool,
    pub(super) data_roaming_on: bool,
    pub(super) data_cap_cents: Option<i64>,
    pub(super) continue_past_cap: bool,
    /// Active add-ons and since when.
    pub(super) addons: Vec<(&'c Addon, DateTime<Utc>)>,
    /// Use this per cent of each finite allowance in the current period, and nothing beyond.
    pub(super) usage_share: Option<i64>,
    /// Prepaid: the credit the ledger must end at (`None`: random).
    pub(super) credit_cents: Option<i64>,
    pub(super) credit_expires_on: Option<NaiveDate>,
}

/// What a postpaid line contributes to its account's invoices.
pub(super) struct LineBilling<'c> {
    pub(super) line_id: i64,
    pub(super) plan: &'c Plan,
    pub(super) activated_on: NaiveDate,
    pub(super) roaming_on: bool,
    pub(super) addons: Vec<(&'c Addon, NaiveDate)>,
    /// The previous period's start and usage: its invoice charges what the records charged.
    pub(super) previous: Option<(NaiveDate, PeriodTotals)>,
}

/// Sums over one line's usage records in one period.
#[derive(Clone, Copy, Default)]
pub(super) struct PeriodTotals {
    pub(super) call_seconds: i64,
    pub(super) sms: i64,
    pub(super) data_kb: i64,
    /// The newest record's `rated_at`.
    pub(super) rated_at: Option<DateTime<Utc>>,
    /// Home and EU usage beyond the allowance.
    pub(super) usage_charge_cents: i64,
    /// Usage outside the EU.
    pub(super) roaming_charge_cents: i64,
    pub(super) roaming_data_charge_cents: i64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum UsageKind {
    Call,
    Sms,
    Data,
}

impl UsageKind {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Self::Call => "call",
            Self::Sms => "sms",
            Self::Data => "data",
        }
    }
}

/// A trip abroad inside a period: records between `from` and `to` (seconds into the window)
/// are roaming.
pub(super) struct Trip {
    pub(super) from: i64,
    pub(super) to: i64,
    pub(super) country: &'static str,
    pub(super) in_eu: bool,
}

pub(super) struct Generator<'c> {
    pub(super) catalog: &'c Catalog,
    pub(super) today: NaiveDate,
    pub(super) now: DateTime<Utc>,
    pub(super) password_hash: &'c str,
    pub(super) ids: NextIds,
}

impl<'c> Generator<'c> {
    /// Draws a random customer of a random market and kind.
    pub(super) fn random_customer(&mut self, rng: &mut ChaCha8Rng) -> CustomerSpec<'c> {
        let catalog = self.catalog;
        let today = self.today;
        let id = take(&mut self.ids.customer);
        let market: &'static Market = weighted(rng, &[(&CZ, 40), (&PL, 40), (&LT, 20)]);
        let offer = &catalog.markets[market.index];
        let kind = weighted(
            rng,
            &[
                (CustomerKind::Private, 55),
                (CustomerKind::Prepaid, 30),
                (CustomerKind::Business, 12),
                (CustomerKind::Corporate, 3),
            ],
        );
        let language = match rng.gen_range(0..100) {
            0..=4 => "ru",
            5..=9 => "en",
            _ => market.language,
        };
        let (name, email, first_name) = if kind.is_organisation() {
            let (name, slug) = company_name(rng, market, kind);
            (name, format!("{slug}.{id}@example.org"), None)
        } else {
            let (first, surname) = person(rng, market);
            let email = format!(
                "{}.{}.{id}@example.com",
                ascii_slug(first),
                ascii_slug(surname)
            );
            (format!("{first} {surname}"), email, Some(first))
        };
        let line_count: usize = match kind {
            CustomerKind::Private => weighted(rng, &[(1, 55), (2, 30), (3, 15)]),
            CustomerKind::Prepaid => 1,
            CustomerKind::Business => rng.gen_range(3..=20),
            CustomerKind::Corporate => rng.gen_range(20..=80),
        };

        let mut lines = Vec::with_capacity(line_count);
        for index in 0..line_count {
            let plan = match kind {
                CustomerKind::Prepaid => {
                    &offer.plans[weighted(rng, &[(PLAN_PREPAID_S, 50), (PLAN_PREPAID_M, 50)])]
                }
                CustomerKind::Private => {
                    &offer.plans[weighted(rng, &[(PLAN_S, 35), (PLAN_M, 45), (PLAN_UNLIMITED, 20)])]
                }
                CustomerKind::Business | CustomerKind::Corporate => {
                    &offer.plans[weighted(
                        rng,
                        &[(PLAN_BUSINESS, 60), (PLAN_M, 25), (PLAN_UNLIMITED, 15)],
                    )]
                }
            };
            // The first postpaid line is older than the twelve invoiced months, so every
            // invoice bills at least one line.
            let days_ago = if plan.prepaid {
                rng.gen_range(20..=1_500)
            } else if index == 0 || rng.gen_bool(0.8) {
                rng.gen_range(450..=2_900)
            } else {
                rng.gen_range(1..=440)
            };
            let activated_on = today - Duration::days(days_ago);
            let label = match (kind, first_name) {
                (CustomerKind::Prepaid, _) => None,
                (_, Some(first)) if index == 0 => Some(first.to_string()),
                (_, Some(_)) => {
                    let names = if rng.gen_bool(0.5) {
                        market.female_names
                    } else {
                        market.male_names
                    };
                    Some(pick(rng, names).to_string())
                }
                (_, None) => {
                    let (first, surname) = person(rng, market);
                    Some(format!("{first} {surname}"))
                }
            };
            let roaming_on = rng.gen_bool(0.85);
            let data_roaming_on = roaming_on && rng.gen_bool(0.9);
            let addons = self.random_addons(rng, offer, kind, plan, activated_on);
            lines.push(LineSpec {
                msisdn: None,
                label,
                plan,
                activated_on,
                roaming_on,
                data_roaming_on,
                data_cap_cents: rng
                    .gen_bool(0.95)
                    .then_some(default_cap(market.currency).cents()),
                continue_past_cap: rng.gen_bool(0.1),
                addons,
                usage_share: None,
                credit_cents: None,
                credit_expires_on: None,
            });
        }

        let organisation = kind.is_organisation();
        let prepaid = kind == CustomerKind::Prepaid;
        CustomerSpec {
            id,
            kind,
            market,
            name,
            email,
            phone: None,
            language,
            address: address(rng, market),
            cycle_day: if prepaid || (organisation && rng.gen_bool(0.6)) {
                1
            } else {
                rng.gen_range(1..=28)
            },
            issue_lag: rng.gen_range(2..=4),
            payment_method: if prepaid {
                "card"
            } else if organisation {
                weighted(rng, &[("bank_transfer", 70), ("direct_debit", 30)])
            } else {
                weighted(
                    rng,
                    &[("direct_debit", 45), ("bank_transfer", 35), ("card", 20)],
                )
            },
            paper_invoices: !prepaid && rng.gen_bool(if organisation { 0.25 } else { 0.10 }),
            low_credit_threshold_cents: (prepaid && rng.gen_bool(0.5))
                .then_some(market.low_credit_cents),
            lines,
            story: InvoiceStory::Random,
        }
    }

    /// Zero to three monthly add-ons the line may have: right kind and payment type, and none
    /// incompatible with another.
    pub(super) fn random_addons(
        &self,
        rng: &mut ChaCha8Rng,
        offer: &'c MarketCatalog,
        kind: CustomerKind,
        plan: &Plan,
        activated_on: NaiveDate,
    ) -> Vec<(&'c Addon, DateTime<Utc>)> {
        let wanted: usize = weighted(rng, &[(0, 35), (1, 35), (2, 20), (3, 10)]);
        if wanted == 0 {
            return Vec::new();
        }
        let mut eligible: Vec<&'c Addon> = offer
            .addons
            .iter()
            .filter(|a| a.billing_period == "month" && a.is_for(kind, plan))
            .collect();
        eligible.shuffle(rng);
        let mut chosen: Vec<(&'c Addon, DateTime<Utc>)> = Vec::with_capacity(wanted);
        let span = (self.today - activated_on).num_days().max(1);
        for addon in eligible {
            if chosen.len() == wanted {
                break;
            }
            if chosen
                .iter()
                .any(|(other, _)| addon.incompatible_with.contains(&other.id))
            {
                continue;
            }
            let since = activated_on + Duration::days(rng.gen_range(0..span));
            chosen.push((addon, at(since, rng.gen_range(8 * 3_600..20 * 3_600))));
        }
        chosen
    }

    /// The fixed demo customers: a private customer with two lines and an open invoice, a
    /// prepaid customer with credit, and a business with five lines and an overdue invoice.
    pub(super) fn demo(&mut self, rng: &mut ChaCha8Rng, batch: &mut Batch<'c>) -> Result<()> {
        let catalog = self.catalog;
        let today = self.today;
        let (cz, pl) = (&catalog.markets[CZ.index], &catalog.markets[PL.index]);
        let days_ago = |days: i64| today - Duration::days(days);
        // The newest invoice is issued three days before today and so due in eleven days,
        // whatever today is: the cycle starts five days ago (or on the 28th when that day does
        // not exist in every month).
        let cycle_day = days_ago(5).day().min(28);
        let newest_period_end = cycle_start(today, cycle_day) - Duration::days(1);
        let issue_lag = (days_ago(3) - newest_period_end).num_days();
        let since = |days: i64| at(days_ago(days), 10 * 3_600);
        let line = |msisdn: &str,
                    label: &str,
                    plan: &'c Plan,
                    activated: i64,
                    roaming: bool|
         -> Result<LineSpec<'c>> {
            Ok(LineSpec {
                msisdn: Some(valid_number(msisdn)?),
                label: Some(label.to_string()),
                plan,
                activated_on: days_ago(activated),
                roaming_on: roaming,
                data_roaming_on: roaming,
                data_cap_cents: Some(default_cap(CZ.currency).cents()),
                continue_past_cap: false,
                addons: Vec::new(),
                usage_share: None,
                credit_cents: None,
                credit_expires_on: None,
            })
        };

        let mut jana = line("+420601123456", "Jana", &cz.plans[PLAN_M], 1_500, true)?;
        jana.addons = vec![
            (&cz.addons[ADDON_DATA_5GB], since(200)),
            (&cz.addons[ADDON_INSURANCE], since(100)),
        ];
        let mut tomas = line("+420602654321", "Tomáš", &cz.plans[PLAN_S], 900, false)?;
        // Insurance since 40 days ago: billed for the first time on the newest invoice, so the
        // demo's "why is this bill different" always has a new add-on to tell about.
        tomas.addons = vec![
            (&cz.addons[ADDON_MUSIC], since(300)),
            (&cz.addons[ADDON_INSURANCE], since(40)),
        ];
        let demo = CustomerSpec {
            id: take(&mut self.ids.customer),
            kind: CustomerKind::Private,
            market: &CZ,
            name: "Jana Nováková".into(),
            email: "demo@example.com".into(),
            phone: Some(valid_number("+420601123456")?),
            language: "cs",
            address: "Vinohradská 1234/56, 120 00 Praha 2".into(),
            cycle_day,
            issue_lag,
            payment_method: "bank_transfer",
            paper_invoices: true,
            low_credit_threshold_cents: None,
            lines: vec![jana, tomas],
            story: InvoiceStory::NewestOpen,
        };
        self.emit(rng, demo, batch)?;

        let mut piotr = line(
            "+48601234567",
            "Piotr",
            &pl.plans[PLAN_PREPAID_M],
            400,
            true,
        )?;
        piotr.label = None;
        piotr.data_cap_cents = Some(default_cap(PL.currency).cents());
        piotr.usage_share = Some(40);
        piotr.credit_cents = Some(3_750);
        piotr.credit_expires_on = Some(today + Duration::days(60));
        let prepaid = CustomerSpec {
            id: take(&mut self.ids.customer),
            kind: CustomerKind::Prepaid,
            market: &PL,
            name: "Piotr Kowalski".into(),
            email: "prepaid@example.com".into(),
            phone: Some(valid_number("+48601234567")?),
            language: "pl",
            address: "ul. Piotrkowska 104/12, 90-001 Łódź".into(),
            cycle_day: 1,
            issue_lag: 3,
            payment_method: "card",
            paper_invoices: false,
            low_credit_threshold_cents: Some(1_000),
            lines: vec![piotr],
            story: InvoiceStory::Random,
        };
        self.emit(rng, prepaid, batch)?;

        let employees = [
            (
                "+420603100001",
                "Pavel Kovář",
                PLAN_BUSINESS,
                vec![ADDON_PRIORITY, ADDON_INSURANCE],
            ),
            (
                "+420603100002",
                "Lucie Kovářová",
                PLAN_BUSINESS,
                vec![ADDON_DATA_20GB],
            ),
            ("+420603100003", "Martin Dvořák", PLAN_BUSINESS, vec![]),
            (
                "+420603100004",
                "Petra Svobodová",
                PLAN_M,
                vec![ADDON_DATA_5GB],
            ),
            ("+420603100005", "Jiří Novotný", PLAN_BUSINESS, vec![]),
        ];
        let mut lines = Vec::with_capacity(employees.len());
        for (msisdn, label, plan, addons) in employees {
            let mut spec = line(msisdn, label, &cz.plans[plan], 1_200, true)?;
            spec.addons = addons
                .into_iter()
                .map(|a| (&cz.addons[a], since(250)))
                .collect();
            lines.push(spec);
        }
        let business = CustomerSpec {
            id: take(&mut self.ids.customer),
            kind: CustomerKind::Business,
            market: &CZ,
            name: "Kovář Stavby s.r.o.".into(),
            email: "business@example.com".into(),
            phone: Some(valid_number("+420222333444")?),
            language: "cs",
            address: "Průmyslová 1472/11, 602 00 Brno".into(),
            cycle_day,
            issue_lag,
            payment_method: "bank_transfer",
            paper_invoices: false,
            low_credit_threshold_cents: None,
            lines,
            story: InvoiceStory::NewestOpenPreviousPartlyPaid,
        };
        self.emit(rng, business, batch)
    }

    /// Turns a customer into rows: the customer, one billing account, the lines with all they
    /// carry, and (postpaid) twelve invoices with payments.
    pub(super) fn emit(
        &mut self,
        rng: &mut ChaCha8Rng,
        spec: CustomerSpec<'c>,
        batch: &mut Batch<'c>,
    ) -> Result<()> {
        let market = spec.market;
        let account_id = take(&mut self.ids.account);
        let earliest = spec
            .lines
            .iter()
            .map(|l| l.activated_on)
            .min()
            .unwrap_or(self.today);
        let created_at = at(earliest, 7 * 3_600 + rng.gen_range(0..3_600));

        let mut billing = Vec::with_capacity(spec.lines.len());
        let mut first_number = None;
        for line in &spec.lines {
            let (number, line_billing) = self.emit_line(rng, &spec, account_id, line, batch)?;
            first_number.get_or_insert(number);
            billing.extend(line_billing);
        }
        let phone = match (&spec.phone, first_number) {
            (Some(phone), _) => phone.clone(),
            (None, _) if spec.kind.is_organisation() => {
                number_in_range(&[market.org_phone_prefix], spec.id)?
            }
            (None, Some(first)) => first,
            (None, None) => number_in_range(&[market.org_phone_prefix], spec.id)?,
        };
        batch.customers.push(CustomerRow {
            id: spec.id,
            kind: spec.kind.as_str(),
            name: spec.name.clone(),
            email: spec.email.clone(),
            phone,
            language: spec.language,
            currency: market.currency.code(),
            password_hash: self.password_hash,
            low_credit_threshold_cents: spec.low_credit_threshold_cents,
            created_at,
        });
        batch.accounts.push(AccountRow {
            id: account_id,
            customer_id: spec.id,
            name: spec.name.clone(),
            billing_address: spec.address.clone(),
            cycle_day: i64::from(spec.cycle_day),
            payment_method: spec.payment_method,
            paper_invoices: spec.paper_invoices,
            created_at: created_at + Duration::minutes(1),
        });
        if !billing.is_empty() {
            self.invoices(rng, &spec, account_id, &billing, batch);
        }
        Ok(())
    }

    /// One line: its row, roaming settings, add-ons, usage of the previous and current period,
    /// the current allowance counters and (prepaid) the credit ledger. Returns the number and,
    /// for a postpaid line, what its invoices need.
    pub(super) fn emit_line(
        &mut self,
        rng: &mut ChaCha8Rng,
        spec: &CustomerSpec<'c>,
        account_id: i64,
        line: &LineSpec<'c>,
        batch: &mut Batch<'c>,
    ) -> Result<(String, Option<LineBilling<'c>>)> {
        let market = spec.market;
        let plan = line.plan;
        let id = take(&mut self.ids.line);
        let msisdn = match &line.msisdn {
            Some(number) => number.clone(),
            None => number_in_range(market.line_prefixes, id)?,
        };
        let created_at = at(line.activated_on, 8 * 3_600);

        let (current_start, current_end, previous_start) = if plan.prepaid {
            let elapsed = (self.today - line.activated_on).num_days().max(0);
            let start =
                line.activated_on + Duration::days(elapsed / plan.period_days * plan.period_days);
            (
                start,
                start + Duration::days(plan.period_days),
                start - Duration::days(plan.period_days),
            )
        } else {
            let start = cycle_start(self.today, spec.cycle_day);
            (start, add_months(start, 1), add_months(start, -1))
        };

        let mut totals = [PeriodTotals::default(); 2];
        // Usage runs up to half an hour ago, so how many records it makes depends on the time
        // of day. It draws from its own generator, seeded from the main one by a single draw,
        // so everything generated after it (invoices, payments) is the same all day long.
        let mut usage_rng = ChaCha8Rng::seed_from_u64(rng.gen());
        let windows = [
            (previous_start, current_start, None),
            (current_start, current_end, line.usage_share),
        ];
        for (slot, (start, end, share)) in totals.iter_mut().zip(windows) {
            let from = at(start, 0).max(created_at);
            let until = at(end, 0).min(self.now - Duration::minutes(30));
            let is_current = end == current_end;
            if from >= until && !is_current {
                continue;
            }
            // The current period always has usage, even when it began moments ago.
            let until = until.max(from + Duration::minutes(1));
            *slot = self.usage(
                &mut usage_rng,
                market,
                id,
                line,
                (from, until),
                share,
                batch,
            );
        }
        let [previous, current] = totals;
        batch.allowances.push(AllowanceRow {
            line_id: id,
            period_start: current_start,
            period_end: current_end,
            call_seconds_used: current.call_seconds,
            sms_used: current.sms,
            data_kb_used: current.data_kb,
            rated_at: current.rated_at.unwrap_or(created_at),
        });
        batch.roaming.push(RoamingRow {
            line_id: id,
            roaming_on: line.roaming_on,
            data_roaming_on: line.data_roaming_on,
            data_cap_cents: line.data_cap_cents,
            data_spent_cents: current.roaming_data_charge_cents,
            continue_past_cap: line.continue_past_cap,
            updated_at: created_at + Duration::minutes(5),
        });
        for (addon, active_from) in &line.addons {
            let commitment_until = selfcare::services::addons::commitment_until(
                active_from.date_naive(),
                u32::try_from(addon.commitment_months).unwrap_or(0),
            );
            batch.line_addons.push(LineAddonRow {
                id: take(&mut self.ids.line_addon),
                line_id: id,
                addon_id: addon.id,
                price_cents: addon.price_cents,
                active_from: *active_from,
                commitment_until,
            });
        }

        let (credit_cents, credit_expires_on) = if plan.prepaid {
            let (credit, expires) = self.ledger(
                rng,
                market,
                id,
                line,
                current_start,
                [(previous_start, previous), (current_start, current)],
                batch,
            );
            (credit, Some(line.credit_expires_on.unwrap_or(expires)))
        } else {
            (0, None)
        };
        batch.lines.push(LineRow {
            id,
            customer_id: spec.id,
            account_id,
            msisdn: msisdn.clone(),
            label: line.label.clone(),
            plan_id: plan.id,
            payment_type: plan.payment_type(),
            activated_on: line.activated_on,
            credit_cents,
            credit_expires_on,
            created_at,
        });

        let billing = (!plan.prepaid).then(|| LineBilling {
            line_id: id,
            plan,
            activated_on: line.activated_on,
            roaming_on: line.roaming_on,
            addons: line
                .addons
                .iter()
                .map(|(addon, from)| (*addon, from.date_naive()))
                .collect(),
            previous: Some((previous_start, previous)),
        });
        Ok((msisdn, billing))
    }

    /// Usage records of one line between `window.0` and `window.1`, rated in time order against
    /// the plan's allowances; returns their sums.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn usage(
        &mut self,
        rng: &mut ChaCha8Rng,
        market: &'static Market,
        line_id: i64,
        line: &LineSpec<'c>,
        window: (DateTime<Utc>, DateTime<Utc>),
        share: Option<i64>,
        batch: &mut Batch<'c>,
    ) -> PeriodTotals {
        let plan = line.plan;
        let included_seconds = plan.minutes_included.map(|m| m * 60);
        let included_sms = plan.sms_included;
        let included_kb = plan.data_mb_included.map(|mb| mb * 1_024);

        // What happened...
        let mut events: Vec<(UsageKind, i64)> = Vec::new();
        let mut trip = None;
        if let Some(per_cent) = share {
            let target = |included: Option<i64>, otherwise: i64| {
                included.map_or(otherwise, |i| i * per_cent / 100)
            };
            let mut fill = |kind: UsageKind, total: i64, piece: std::ops::RangeInclusive<i64>| {
                let mut sum = 0;
                while sum < total {
                    let quantity = rng.gen_range(piece.clone()).min(total - sum);
                    events.push((kind, quantity));
                    sum += quantity;
                }
            };
            fill(UsageKind::Call, target(included_seconds, 3_600), 30..=600);
            fill(UsageKind::Sms, target(included_sms, 20), 1..=1);
            fill(
                UsageKind::Data,
                target(included_kb, 2_000_000),
                20_000..=300_000,
            );
            events.shuffle(rng);
        } else {
            for _ in 0..rng.gen_range(15..=30) {
                let kind = weighted(
                    rng,
                    &[
                        (UsageKind::Call, 40),
                        (UsageKind::Sms, 25),
                        (UsageKind::Data, 35),
                    ],
                );
                let quantity = match kind {
                    UsageKind::Call => match rng.gen_range(0..100) {
                        0..=69 => rng.gen_range(10..=300),
                        70..=94 => rng.gen_range(300..=1_200),
                        _ => rng.gen_range(1_200..=3_600),
                    },
                    UsageKind::Sms => 1,
                    UsageKind::Data => match rng.gen_range(0..100) {
                        0..=59 => rng.gen_range(200..=20_000),
                        60..=89 => rng.gen_range(20_000..=200_000),
                        _ => rng.gen_range(200_000..=800_000),
                    },
                };
                events.push((kind, quantity));
            }
            if line.roaming_on && rng.gen_bool(0.15) {
                let span = (window.1 - window.0).num_seconds().max(1);
                let from = rng.gen_range(0..span);
                let in_eu = rng.gen_bool(0.8);
                let country = if in_eu {
                    *pick(rng, &EU_TRIPS)
                } else {
                    *pick(rng, &WORLD_TRIPS)
                };
                trip = Some(Trip {
                    from,
                    to: from + rng.gen_range(2..=7) * 86_400,
                    country,
                    in_eu,
                });
            }
        }

        // ...and when.
        let span = (window.1 - window.0).num_seconds().max(1);
        let mut offsets: Vec<i64> = events
            .iter()
            .map(|_| waking_offset(rng, window.0, span))
            .collect();
        offsets.sort_unstable();

        let rates = &market.rates;
        let mut totals = PeriodTotals::default();
        let mut last_rated = window.0;
        for ((kind, quantity), offset) in events.into_iter().zip(offsets) {
            let (mut kind, mut quantity) = (kind, quantity);
            let started_at = window.0 + Duration::seconds(offset);
            let abroad = trip.as_ref().filter(|t| (t.from..t.to).contains(&offset));
            let in_world = abroad.is_some_and(|t| !t.in_eu);
            if abroad.is_some() && kind == UsageKind::Data && !line.data_roaming_on {
                (kind, quantity) = (UsageKind::Sms, 1);
            }
            if in_world && kind == UsageKind::Data {
                quantity = rng.gen_range(100..=5_000);
                let charge = div_ceil(quantity, 1_024) * rates.world_mb;
                let over_cap = line.data_cap_cents.is_some_and(|cap| {
                    totals.roaming_data_charge_cents + charge > cap && !line.continue_past_cap
                });
                if over_cap {
                    // The cap stops data abroad; the customer texts instead.
                    (kind, quantity) = (UsageKind::Sms, 1);
                }
            }
            let charge = match (kind, in_world) {
                (UsageKind::Call, true) => div_ceil(quantity, 60) * rates.world_minute,
                (UsageKind::Sms, true) => rates.world_sms,
                (UsageKind::Data, true) => div_ceil(quantity, 1_024) * rates.world_mb,
                (UsageKind::Call, false) => {
                    div_ceil(beyond(totals.call_seconds, quantity, included_seconds), 60)
                        * rates.minute
                }
                (UsageKind::Sms, false) => beyond(totals.sms, quantity, included_sms) * rates.sms,
                // Data beyond the allowance is slowed down, not charged.
                (UsageKind::Data, false) => 0,
            };
            if in_world {
                totals.roaming_charge_cents += charge;
                if kind == UsageKind::Data {
                    totals.roaming_data_charge_cents += charge;
                }
            } else {
                totals.usage_charge_cents += charge;
            }
            match kind {
                UsageKind::Call => totals.call_seconds += quantity,
                UsageKind::Sms => totals.sms += quantity,
                UsageKind::Data => totals.data_kb += quantity,
            }
            let duration = if kind == UsageKind::Call { quantity } else { 0 };
            // Rated after it ended, never after now, and in the order the records started, so
            // the newest record carries the newest rating.
            let rated_at = (started_at + Duration::seconds(duration + rng.gen_range(20..=240)))
                .min(self.now)
                .max(started_at)
                .max(last_rated);
            last_rated = rated_at;
            let counterpart = (kind != UsageKind::Data).then(|| counterpart(rng, market));
            batch.usage.push(UsageRow {
                id: take(&mut self.ids.usage),
                line_id,
                started_at,
                kind: kind.as_str(),
                quantity,
                counterpart,
                roaming: abroad.is_some(),
                country: abroad.map_or(market.country, |t| t.country),
                charge_cents: charge,
                rated_at,
            });
            totals.rated_at = Some(rated_at);
        }
        totals
    }

    /// A prepaid line's credit ledger over the last six months: period fees, add-on fees and
    /// usage charges, with top-ups placed so the balance never goes below zero and ends at the
    /// line's credit. Returns the credit and when it expires.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn ledger(
        &mut self,
        rng: &mut ChaCha8Rng,
        market: &'static Market,
        line_id: i64,
        line: &LineSpec<'c>,
        current_start: NaiveDate,
        periods: [(NaiveDate, PeriodTotals); 2],
        batch: &mut Batch<'c>,
    ) -> (i64, NaiveDate) {
        let plan = line.plan;
        let words = &market.words;
        let opened_on = line
            .activated_on
            .max(self.today - Duration::days(CREDIT_VALIDITY_DAYS));
        let opened_at = at(opened_on, 6 * 3_600);

        // Charges, in time order: the fees at each period start...
        let mut charges: Vec<(DateTime<Utc>, i64, String)> = Vec::new();
        let mut period = line.activated_on;
        while period <= self.today {
            if period >= opened_on {
                let charged_at = at(period, 300 + rng.gen_range(0..600))
                    .min(self.now)
                    .max(opened_at);
                if plan.monthly_fee_cents > 0 {
                    charges.push((
                        charged_at,
                        plan.monthly_fee_cents,
                        format!("{}: {}", words.plan_fee, plan.name),
                    ));
                }
                for (addon, since) in &line.addons {
                    if since.date_naive() <= period {
                        charges.push((
                            charged_at + Duration::seconds(1),
                            addon.price_cents,
                            addon.name.clone(),
                        ));
                    }
                }
            }
            period += Duration::days(plan.period_days);
        }
        // ...and usage beyond the allowance: the previous period's when it closed, the current
        // one's as last rated.
        for (start, totals) in periods {
            let amount = totals.usage_charge_cents + totals.roaming_charge_cents;
            if amount > 0 {
                let when = if start == current_start {
                    totals.rated_at.unwrap_or(self.now)
                } else {
                    at(current_start, 200).min(self.now)
                };
                charges.push((when.max(opened_at), amount, words.usage_charge.to_string()));
            }
        }
        charges.sort_by_key(|(when, _, _)| *when);

        // Walk back from the final credit: before a charge the balance was higher by it; before
        // a top-up, lower by it (never below zero). What is left at the start was brought
        // forward from earlier months.
        let credit = line
            .credit_cents
            .unwrap_or_else(|| rng.gen_range(0..=market.top_ups[2]));
        let mut entries: Vec<(DateTime<Utc>, &'static str, i64, String)> = Vec::new();
        let mut balance = credit;
        let mut later = self.now;
        // A top-up goes into a quiet hour between charges, not between a fee and the add-on
        // fees charged with it.
        let top_up =
            |rng: &mut ChaCha8Rng, balance: i64, from: DateTime<Utc>, to: DateTime<Utc>| {
                let fitting: Vec<i64> = market
                    .top_ups
                    .iter()
                    .copied()
                    .filter(|amount| *amount <= balance)
                    .collect();
                let wanted = balance > 2 * market.top_ups[2] || rng.gen_bool(0.5);
                let room = (to - from).num_seconds() - 1_800;
                if fitting.is_empty() || !wanted || room < 1_800 {
                    return None;
                }
                let amount = *pick(rng, &fitting);
                Some((
                    from + Duration::seconds(waking_offset(rng, from, room)),
                    amount,
                ))
            };
        for index in (0..=charges.len()).rev() {
            let earlier = if index == 0 {
                opened_at
            } else {
                charges[index - 1].0
            };
            if let Some((when, amount)) = top_up(rng, balance, earlier, later) {
                entries.push((when, "top_up", amount, words.top_up.to_string()));
                balance -= amount;
            }
            if index > 0 {
                let (when, amount, description) = std::mem::take(&mut charges[index - 1]);
                entries.push((when, "charge", -amount, description));
                balance += amount;
                later = when;
            }
        }
        if balance > 0 {
            entries.push((
                opened_at,
                "adjustment",
                balance,
                words.brought_forward.to_string(),
            ));
        }
        entries.reverse();

        let mut running = 0;
        let mut last_credit_on = opened_on;
        for (when, kind, amount, description) in entries {
            running += amount;
            if amount > 0 {
                last_credit_on = when.date_naive();
            }
            batch.ledger.push(LedgerRow {
                id: take(&mut self.ids.ledger),
                line_id,
                at: when,
                kind,
                amount_cents: amount,
                balance_after_cents: running,
                description,
            });
        }
        debug_assert_eq!(running, credit);
        (
            credit,
            last_credit_on + Duration::days(plan.credit_validity_days),
        )
    }

    /// Twelve monthly invoices of a postpaid account, for the newest closed billing periods
    /// already invoiced by today, with their lines and payments.
    pub(super) fn invoices(
        &mut self,
        rng: &mut ChaCha8Rng,
        spec: &CustomerSpec<'c>,
        account_id: i64,
        lines: &[LineBilling<'c>],
        batch: &mut Batch<'c>,
    ) {
        let market = spec.market;
        let catalog: &'c Catalog = self.catalog;
        let offer = &catalog.markets[market.index];
        let current = cycle_start(self.today, spec.cycle_day);
        let mut periods = Vec::with_capacity(12);
        let mut back = 1;
        while periods.len() < 12 {
            let start = add_months(current, -back);
            let end = add_months(current, 1 - back) - Duration::days(1);
            let issued = end + Duration::days(spec.issue_lag);
            if issued <= self.today {
                periods.push((start, end, issued));
            }
            back += 1;
        }
        periods.reverse();

        let count = periods.len();
        let mut settlements = vec![Settlement::Paid; count];
        match spec.story {
            InvoiceStory::Random => {
                if rng.gen_bool(0.10) {
                    settlements[count - 1] = Settlement::Open;
                }
                if rng.gen_bool(0.05) {
                    let older = count - rng.gen_range(2..=3);
                    settlements[older] = if rng.gen_bool(0.4) {
                        Settlement::PartlyPaid
                    } else {
                        Settlement::Open
                    };
                }
            }
            InvoiceStory::NewestOpen => settlements[count - 1] = Settlement::Open,
            InvoiceStory::NewestOpenPreviousPartlyPaid => {
                settlements[count - 1] = Settlement::Open;
                settlements[count - 2] = Settlement::PartlyPaid;
            }
        }

        let words = &market.words;
        let extra_gb = &offer.addons[ADDON_EXTRA_1GB];
        for ((start, end, issued), settlement) in periods.into_iter().zip(settlements) {
            let mut invoice = InvoiceDraft::new(
                take(&mut self.ids.invoice),
                market.vat_rate_bp,
                market.currency,
            );
            for line in lines.iter().filter(|l| l.activated_on <= start) {
                let id = Some(line.line_id);
                invoice.add(
                    &mut self.ids,
                    id,
                    "plan",
                    None,
                    &line.plan.name,
                    line.plan.monthly_fee_cents,
                );
                for (addon, since) in &line.addons {
                    if *since <= start {
                        invoice.add(
                            &mut self.ids,
                            id,
                            "addon",
                            Some(addon.id),
                            &addon.name,
                            addon.price_cents,
                        );
                    }
                }
                if rng.gen_bool(0.04) {
                    invoice.add(
                        &mut self.ids,
                        id,
                        "addon",
                        Some(extra_gb.id),
                        &extra_gb.name,
                        extra_gb.price_cents,
                    );
                }
                // The period the usage records cover is billed what they charged; older
                // periods get an occasional charge of the same kind.
                let (usage, roaming) = match line.previous {
                    Some((previous_start, totals)) if previous_start == start => {
                        (totals.usage_charge_cents, totals.roaming_charge_cents)
                    }
                    _ => (
                        if rng.gen_bool(0.08) {
                            rng.gen_range(5..=120) * market.rates.minute
                        } else {
                            0
                        },
                        if line.roaming_on && rng.gen_bool(0.05) {
                            rng.gen_range(5..=100) * market.rates.world_mb
                        } else {
                            0
                        },
                    ),
                };
                if usage > 0 {
                    invoice.add(&mut self.ids, id, "usage", None, words.usage, usage);
                }
                if roaming > 0 {
                    invoice.add(&mut self.ids, id, "roaming", None, words.roaming, roaming);
                }
            }
            if let Some(first) = lines.first() {
                if rng.gen_bool(0.02) {
                    invoice.add(
                        &mut self.ids,
                        Some(first.line_id),
                        "one_off",
                        None,
                        words.sim_swap,
                        market.sim_swap_cents,
                    );
                }
                if rng.gen_bool(0.05) {
                    let discount = -cents_of(round(
                        Decimal::new(first.plan.monthly_fee_cents, 2) * Decimal::new(10, 2),
                    ));
                    invoice.add(
                        &mut self.ids,
                        Some(first.line_id),
                        "discount",
                        None,
                        words.discount,
                        discount,
                    );
                }
            }
            if spec.paper_invoices {
                invoice.add(
                    &mut self.ids,
                    None,
                    "one_off",
                    None,
                    words.paper_invoice,
                    market.paper_invoice_cents,
                );
            }

            let due = issued + Duration::days(14);
            let total = invoice.net_cents + invoice.vat_cents;
            let paid = match settlement {
                Settlement::Paid => total,
                Settlement::Open => 0,
                // About half, in whole currency units, but always something and never all.
                Settlement::PartlyPaid => (total / 2 / 100 * 100).clamp(1, total - 1),
            };
            let reference = format!("{}", 1_000_000_000 + invoice.id);
            if paid > 0 {
                let paid_on =
                    (due - Duration::days(rng.gen_range(0..=6))).clamp(issued, self.today);
                let received_at = at(paid_on, rng.gen_range(7 * 3_600..19 * 3_600)).min(self.now);
                batch.payments.push(PaymentRow {
                    id: take(&mut self.ids.payment),
                    customer_id: spec.id,
                    invoice_id: invoice.id,
                    received_at,
                    amount_cents: paid,
                    currency: market.currency.code(),
                    method: spec.payment_method,
                    reference: reference.clone(),
                });
            }
            batch.invoices.push(InvoiceRow {
                id: invoice.id,
                // Unique: one billing period starts in each month of an account.
                number: format!("{}{:02}{account_id:07}", start.year(), start.month()),
                customer_id: spec.id,
                account_id,
                period_start: start,
                period_end: end,
                issued_on: issued,
                due_on: due,
                currency: market.currency.code(),
                net_cents: invoice.net_cents,
                vat_cents: invoice.vat_cents,
                total_cents: total,
                paid_cents: paid,
                status: if settlement == Settlement::Paid {
                    "paid"
                } else {
                    "open"
                },
                payment_reference: reference,
                created_at: at(issued, 5 * 3_600),
            });
            batch.invoice_lines.append(&mut invoice.lines);
        }
    }
}

/// An invoice being assembled: its lines and running sums.
pub(super) struct InvoiceDraft<'c> {
    pub(super) id: i64,
    pub(super) vat_rate_bp: i64,
    pub(super) currency: Currency,
    pub(super) net_cents: i64,
    pub(super) vat_cents: i64,
    pub(super) lines: Vec<InvoiceLineRow<'c>>,
}

impl<'c> InvoiceDraft<'c> {
    pub(super) fn new(id: i64, vat_rate_bp: i64, currency: Currency) -> Self {
        Self {
            id,
            vat_rate_bp,
            currency,
            net_cents: 0,
            vat_cents: 0,
            lines: Vec::new(),
        }
    }

    pub(super) fn add(
        &mut self,
        ids: &mut NextIds,
        line_id: Option<i64>,
        category: &'static str,
        addon_id: Option<i64>,
        description: &'c str,
        net_cents: i64,
    ) {
        // The billing rule: VAT per invoice line, so the invoice's VAT is the sum of its lines'.
        let vat = selfcare::billing::invoices::vat(Decimal::new(net_cents, 2), self.vat_rate_bp);
        let vat_cents = Money::new(vat, self.currency).cents();
        self.net_cents += net_cents;
        self.vat_cents += vat_cents;
        let position = i64::try_from(self.lines.len()).unwrap_or(i64::MAX) + 1;
        self.lines.push(InvoiceLineRow {
            id: take(&mut ids.invoice_line),
            invoice_id: self.id,
            line_id,
            position,
            category,
            addon_id,
            description,
            quantity: 1,
            net_cents,
            vat_rate_bp: self.vat_rate_bp,
            vat_cents,
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

/// Whole minor units of an amount already rounded by [`round`].
pub(super) fn cents_of(amount: Decimal) -> i64 {
    Money::new(amount, Currency::Eur).cents()
}

/// How much of `quantity` lies beyond `included`, given `before` already used.
pub(super) fn beyond(before: i64, quantity: i64, included: Option<i64>) -> i64 {
    included.map_or(0, |included| {
        (before + quantity - before.max(included)).max(0)
    })
}

pub(super) fn div_ceil(value: i64, unit: i64) -> i64 {
    (value + unit - 1) / unit
}

/// Midnight UTC of `date`, plus `seconds`.
pub(super) fn at(date: NaiveDate, seconds: i64) -> DateTime<Utc> {
    date.and_time(NaiveTime::MIN).and_utc() + Duration::seconds(seconds)
}

/// Shifts by whole months. Only called with days 1 to 28, which every month has.
pub(super) fn add_months(date: NaiveDate, months: i32) -> NaiveDate {
    let shifted = if months >= 0 {
        date.checked_add_months(Months::new(months.unsigned_abs()))
    } else {
        date.checked_sub_months(Months::new(months.unsigned_abs()))
    };
    shifted.unwrap_or(date)
}

/// The first day of the monthly billing period (starting on `cycle_day`) that contains `day`.
pub(super) fn cycle_start(day: NaiveDate, cycle_day: u32) -> NaiveDate {
    let this_month = day.with_day(cycle_day).unwrap_or(day);
    if this_month <= day {
        this_month
    } else {
        add_months(this_month, -1)
    }
}

/// The number an id stands for in reserved ranges: the prefix of its ten-million block and its
/// last seven digits.
pub(super) fn number_in_range(prefixes: &[&str], id: i64) -> Result<String> {
    let block = usize::try_from(id / RANGE_SIZE).unwrap_or(usize::MAX);
    let prefix = prefixes.get(block).ok_or_else(|| {
        StoreError::Seed(format!("the seed's number range is exhausted at id {id}"))
    })?;
    valid_number(&format!("{prefix}{:07}", id % RANGE_SIZE))
}

/// Parses a number as a customer's would be, so only valid E.164 numbers are stored.
pub(super) fn valid_number(text: &str) -> Result<String> {
    Msisdn::parse(text)
        .map(|number| number.as_str().to_string())
        .map_err(|_| StoreError::Seed(format!("the seed made an invalid number: {text}")))
}

/// A number someone calls or texts.
pub(super) fn counterpart(rng: &mut ChaCha8Rng, market: &Market) -> String {
    let prefix = pick(rng, market.counterpart_prefixes);
    let digits = market.counterpart_digits as usize;
    format!(
        "{prefix}{:0digits$}",
        rng.gen_range(0..10_u64.pow(market.counterpart_digits))
    )
}

/// A first name and a surname in the matching form (Nováková, Kowalska, Kazlauskienė).
pub(super) fn person(rng: &mut ChaCha8Rng, market: &Market) -> (&'static str, &'static str) {
    let female = rng.gen_bool(0.5);
    let (male_form, female_form) = *pick(rng, market.surnames);
    if female {
        (*pick(rng, market.female_names), female_form)
    } else {
        (*pick(rng, market.male_names), male_form)
    }
}

/// An organisation's name and a slug for its email address.
pub(super) fn company_name(
    rng: &mut ChaCha8Rng,
    market: &Market,
    kind: CustomerKind,
) -> (String, String) {
    let corporate = kind == CustomerKind::Corporate;
    match &market.companies {
        CompanyNames::Surname {
            activities,
            regions,
            business,
            corporate: corporate_form,
        } => {
            let activity = pick(rng, activities);
            let (owner, form) = if corporate {
                (*pick(rng, regions), *corporate_form)
            } else {
                (pick(rng, market.surnames).0, *business)
            };
            let core = format!("{owner} {activity}");
            (format!("{core} {form}"), ascii_slug(&core))
        }
        CompanyNames::Quoted {
            names,
            business,
            corporate: corporate_form,
        } => {
            let core = pick(rng, names);
            let form = if corporate { corporate_form } else { business };
            (format!("{form} „{core}“"), ascii_slug(core))
        }
    }
}

pub(super) fn address(rng: &mut ChaCha8Rng, market: &Market) -> String {
    let street = pick(rng, market.streets);
    let (postcode, town) = pick(rng, market.towns);
    let house = rng.gen_range(1..=240);
    if rng.gen_bool(0.5) {
        format!(
            "{street} {house}{}{}, {postcode} {town}",
            market.flat_separator,
            rng.gen_range(1..=60)
        )
    } else {
        format!("{street} {house}, {postcode} {town}")
    }
}

/// Lower-case ASCII for email addresses: diacritics dropped, spaces to dashes.
pub(super) fn ascii_slug(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        let plain = match selfcare::locale::base_letter(c) {
            ' ' | '-' => '-',
            c if c.is_ascii_alphanumeric() => c,
            _ => continue,
        };
        if !(plain == '-' && (slug.is_empty() || slug.ends_with('-'))) {
            slug.push(plain);
        }
    }
    slug.trim_end_matches('-').to_string()
}

/// People sleep: a moment in the window, moved to a waking hour (Central European time) of the
/// same day when that stays inside the window. Seconds from the window's start.
pub(super) fn waking_offset(rng: &mut ChaCha8Rng, start: DateTime<Utc>, span: i64) -> i64 {
    const LOCAL_HOURS: [(i64, u32); 19] = [
        (6, 1),
        (7, 3),
        (8, 5),
        (9, 6),
        (10, 7),
        (11, 7),
        (12, 8),
        (13, 7),
        (14, 7),
        (15, 7),
        (16, 8),
        (17, 8),
        (18, 9),
        (19, 9),
        (20, 9),
        (21, 7),
        (22, 5),
        (23, 3),
        (24, 1),
    ];
    let uniform = rng.gen_range(0..span);
    let day = (start + Duration::seconds(uniform)).date_naive();
    let local_hour = weighted(rng, &LOCAL_HOURS);
    // Central European (winter) time is an hour ahead of UTC.
    let moment = at(day, (local_hour - 1) * 3_600 + rng.gen_range(0..3_600));
    let offset = (moment - start).num_seconds();
    if (0..span).contains(&offset) {
        offset
    } else {
        uniform
    }
}

pub(super) fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

/// One of `choices`, each as likely as its weight.
pub(super) fn weighted<T: Copy>(rng: &mut ChaCha8Rng, choices: &[(T, u32)]) -> T {
    let total: u32 = choices.iter().map(|(_, weight)| weight).sum();
    let mut roll = rng.gen_range(0..total.max(1));
    for &(choice, weight) in choices {
        if roll < weight {
            return choice;
        }
        roll -= weight;
    }
    choices[choices.len() - 1].0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_billing_period_starts_on_the_latest_cycle_day_not_after_today() {
        assert_eq!(cycle_start(date(2026, 11, 25), 20), date(2026, 11, 20));
        assert_eq!(cycle_start(date(2026, 11, 25), 25), date(2026, 11, 25));
        assert_eq!(cycle_start(date(2026, 11, 25), 26), date(2026, 10, 26));
        assert_eq!(cycle_start(date(2026, 1, 3), 28), date(2025, 12, 28));
    }

    #[test]
    fn numbers_come_from_reserved_ranges_and_are_valid() {
        assert_eq!(
            number_in_range(CZ.line_prefixes, 1).unwrap(),
            "+420730000001"
        );
        assert_eq!(
            number_in_range(CZ.line_prefixes, RANGE_SIZE + 5).unwrap(),
            "+420770000005"
        );
        assert_eq!(
            number_in_range(PL.line_prefixes, 1_234_567).unwrap(),
            "+48501234567"
        );
        assert_eq!(
            number_in_range(LT.line_prefixes, 42).unwrap(),
            "+37060000042"
        );
        assert!(number_in_range(LT.line_prefixes, RANGE_SIZE).is_err());
    }

    #[test]
    fn usage_beyond_the_allowance_is_only_the_part_past_it() {
        assert_eq!(beyond(0, 50, Some(100)), 0);
        assert_eq!(beyond(80, 50, Some(100)), 30);
        assert_eq!(beyond(120, 50, Some(100)), 50);
        assert_eq!(beyond(120, 50, None), 0);
    }

    #[test]
    fn email_slugs_are_plain_ascii() {
        assert_eq!(ascii_slug("Kazlauskienė"), "kazlauskiene");
        assert_eq!(ascii_slug("Łukasz Wiśniewski"), "lukasz-wisniewski");
        assert_eq!(ascii_slug("Růžičková"), "ruzickova");
    }

    #[test]
    fn vat_is_rounded_half_away_from_zero_per_line() {
        let mut ids = NextIds {
            customer: 0,
            account: 0,
            line: 0,
            line_addon: 0,
            usage: 0,
            ledger: 0,
            invoice: 0,
            invoice_line: 0,
            payment: 0,
        };
        let mut draft = InvoiceDraft::new(1, 2100, Currency::Czk);
        draft.add(&mut ids, None, "plan", None, "a", 50); // 10.5 -> 11
        draft.add(&mut ids, None, "discount", None, "b", -50); // -10.5 -> -11
        assert_eq!(draft.lines[0].vat_cents, 11);
        assert_eq!(draft.lines[1].vat_cents, -11);
        assert_eq!((draft.net_cents, draft.vat_cents), (0, 0));
    }
}
