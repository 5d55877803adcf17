//! Invoice PDFs: an [`InvoiceDetail`] laid out on A4 pages, with the payment QR code drawn as
//! vector squares, written with krilla.
//!
//! This module owns only the layout: where things go, page breaks, text measurement and the
//! embedded fonts. The figures and how they read come from the `selfcare` crate, exactly as the
//! invoice page shows them: amounts from [`Money::format`](selfcare::money::Money::format), dates
//! from [`Language::format_date`], charges by category from [`InvoiceDetail::groups`], the QR
//! payload from [`PaymentInstructions`].
//!
//! # Layout
//!
//! - [`render`] lays the invoice out, then paints it.
//! - `Fonts`/`Face`: DejaVu Sans (regular and bold, embedded, see `server/fonts/LICENSE`), which
//!   covers Czech, Polish, Lithuanian and Russian. Characters are mapped to glyphs and measured
//!   here with skrifa, so the width used to right-align an amount is exactly the width drawn.
//!   No shaping (kerning, ligatures): invoice text does not need it, and it keeps HarfBuzz out.
//! - `Writer`: the cursor. It places rows of cells on the current page and starts a new page
//!   (with the invoice number on top, and the table's column heads when inside the charges)
//!   when the next block does not fit. It produces pages of `Mark`s: text and filled rectangles.
//! - `paint`: turns those marks into PDF pages.

use anyhow::{anyhow, Context};
use chrono::NaiveDate;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::Document;
use qrcode::{EcLevel, QrCode};
use skrifa::charmap::Charmap;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, MetadataProvider};

use selfcare::billing::invoices::{InvoiceDetail, InvoiceState};
use selfcare::billing::payments::PaymentInstructions;
use selfcare::locale::Language;
use selfcare::money::Currency;

/// Renders an invoice as a PDF: the same figures as the invoice page, and the payment QR code.
///
/// `today` decides the status shown (an open invoice past its due date reads "Overdue").
///
/// # Errors
/// When the embedded fonts cannot be read, the QR payload does not fit a QR code, or krilla
/// cannot write the document. None of these depend on the invoice's size.
pub fn render(
    detail: &InvoiceDetail,
    pay: Option<&PaymentInstructions>,
    today: NaiveDate,
) -> anyhow::Result<Vec<u8>> {
    let fonts = Fonts::load()?;
    let pages = layout(&fonts, detail, pay, today)?;
    let title = format!("Invoice {}", detail.summary.number);
    paint(&fonts, &pages, &title, detail.language)
}

// Page geometry, in PDF points (1/72 in), from the top-left corner.
const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
const MARGIN: f32 = 50.0;
const RIGHT: f32 = PAGE_WIDTH - MARGIN;
const TOP: f32 = 42.0;
/// Where the body stops; the page number goes below.
const BOTTOM: f32 = PAGE_HEIGHT - 60.0;

// The charges table: descriptions and phone numbers start at an x, amounts end at one.
const DESCRIPTION_X: f32 = MARGIN + 10.0;
const PHONE_X: f32 = 262.0;
const NET_RIGHT: f32 = 420.0;
const RATE_RIGHT: f32 = 462.0;
const GROSS_RIGHT: f32 = RIGHT;
const DESCRIPTION_WIDTH: f32 = PHONE_X - DESCRIPTION_X - 8.0;

/// Where the labels of the right-hand blocks (invoice facts, totals) start.
const LABEL_X: f32 = 330.0;
// The VAT summary, left of the totals.
const VAT_BASE_RIGHT: f32 = 205.0;
const VAT_RIGHT: f32 = 290.0;

/// The printed size of the QR code, quiet zone included: 40 mm, which phone cameras read from
/// paper at arm's length.
const QR_SIZE: f32 = 40.0 * 72.0 / 25.4;
/// The white border a QR code needs around it, in modules (the standard asks for four).
const QUIET_ZONE: usize = 4;

#[derive(Clone, Copy, Debug, PartialEq)]
struct Colour(u8, u8, u8);

const INK: Colour = Colour(30, 30, 30);
const MUTED: Colour = Colour(105, 105, 105);
const LINE: Colour = Colour(190, 190, 190);
const PANEL: Colour = Colour(242, 243, 245);
const WHITE: Colour = Colour(255, 255, 255);
const BLACK: Colour = Colour(0, 0, 0);

#[derive(Clone, Copy, Debug, PartialEq)]
struct Style {
    bold: bool,
    size: f32,
    colour: Colour,
}

const BODY: Style = Style {
    bold: false,
    size: 9.0,
    colour: INK,
};
const STRONG: Style = Style { bold: true, ..BODY };
const SMALL: Style = Style {
    bold: false,
    size: 7.5,
    colour: MUTED,
};
const HEADING: Style = Style {
    bold: true,
    size: 11.0,
    colour: INK,
};
const TITLE: Style = Style {
    bold: true,
    size: 18.0,
    colour: INK,
};

impl Style {
    /// The height of a line of this text.
    fn line_height(self) -> f32 {
        self.size * 1.4
    }
}

/// One embedded font: krilla's handle for the PDF, and skrifa's tables to map and measure.
struct Face {
    font: Font,
    charmap: Charmap<'static>,
    /// Advance widths in em (the font's units divided by its units per em).
    metrics: GlyphMetrics<'static>,
}

impl Face {
    fn load(name: &str, data: &'static [u8]) -> anyhow::Result<Self> {
        let font = Font::new(data.into(), 0)
            .ok_or_else(|| anyhow!("the embedded font {name} cannot be read"))?;
        let tables =
            FontRef::new(data).with_context(|| format!("the embedded font {name} is broken"))?;
        Ok(Self {
            font,
            charmap: tables.charmap(),
            metrics: tables.glyph_metrics(Size::new(1.0), LocationRef::default()),
        })
    }

    /// One glyph per character, each advancing by its own width. A character the font lacks
    /// becomes the font's "missing" box, but keeps its text, so it still copies and searches.
    fn glyphs(&self, text: &str) -> Vec<KrillaGlyph> {
        text.char_indices()
            .map(|(at, c)| {
                let glyph = self.charmap.map(c).unwrap_or_default();
                let advance = self.metrics.advance_width(glyph).unwrap_or(0.0);
                KrillaGlyph::new(
                    GlyphId::new(glyph.to_u32()),
                    advance,
                    0.0,
                    0.0,
                    0.0,
                    at..at + c.len_utf8(),
                    None,
                )
            })
            .collect()
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        self.glyphs(text).iter().map(|g| g.x_advance).sum::<f32>() * size
    }

    /// Breaks `text` at spaces into lines no wider than `width`; a word wider than that on its
    /// own is cut where it reaches the edge. No-break spaces (in amounts, dates) never break.
    fn wrap(&self, text: &str, size: f32, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split(' ').filter(|w| !w.is_empty()) {
            let joined = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if self.width(&joined, size) <= width {
                line = joined;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            for c in word.chars() {
                line.push(c);
                if self.width(&line, size) > width && line.chars().count() > 1 {
                    line.pop();
                    lines.push(std::mem::replace(&mut line, c.to_string()));
                }
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }
}

struct Fonts {
    regular: Face,
    bold: Face,
}

impl Fonts {
    fn load() -> anyhow::Result<Self> {
        Ok(Self {
            regular: Face::load("DejaVuSans.ttf", include_bytes!("../fonts/DejaVuSans.ttf"))?,
            bold: Face::load(
                "DejaVuSans-Bold.ttf",
                include_bytes!("../fonts/DejaVuSans-Bold.ttf"),
            )?,
        })
    }

    fn face(&self, style: Style) -> &Face {
        if style.bold {
            &self.bold
        } else {
            &self.regular
        }
    }

    fn width(&self, style: Style, text: &str) -> f32 {
        self.face(style).width(text, style.size)
    }

    fn wrap(&self, style: Style, text: &str, width: f32) -> Vec<String> {
        self.face(style).wrap(text, style.size, width)
    }
}

/// A rectangle on the page: left, top, width, height.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Area(f32, f32, f32, f32);

/// Something drawn on a page.
#[derive(Clone, Debug, PartialEq)]
enum Mark {
    /// One line of text, starting at `x` on its baseline.
    Text {
        x: f32,
        baseline: f32,
        style: Style,
        text: String,
    },
    /// Filled rectangles: rules, panels, the squares of a QR code.
    Fill { areas: Vec<Area>, colour: Colour },
}

/// A piece of text in a row, aligned at `x`: starting there, or ending there.
#[derive(Clone, Debug)]
struct Cell {
    x: f32,
    right_aligned: bool,
    style: Style,
    text: String,
}

fn left(x: f32, style: Style, text: impl Into<String>) -> Cell {
    Cell {
        x,
        right_aligned: false,
        style,
        text: text.into(),
    }
}

fn right(x: f32, style: Style, text: impl Into<String>) -> Cell {
    Cell {
        x,
        right_aligned: true,
        style,
        text: text.into(),
    }
}

/// The cursor: places rows down the page and starts a new page when the next block does not fit.
struct Writer<'f> {
    fonts: &'f Fonts,
    /// What the top of every page after the first says.
    running_head: Vec<Cell>,
    /// Column heads repeated on a new page while inside a table.
    table_head: Option<Vec<Cell>>,
    /// The pages before this one.
    done: Vec<Vec<Mark>>,
    /// This page.
    marks: Vec<Mark>,
    /// The top of the next row.
    y: f32,
    /// Where the current page's body starts: a block is never moved off a page it starts.
    body_top: f32,
}

impl<'f> Writer<'f> {
    fn new(fonts: &'f Fonts, running_head: Vec<Cell>) -> Self {
        Self {
            fonts,
            running_head,
            table_head: None,
            done: Vec::new(),
            marks: Vec::new(),
            y: TOP,
            body_top: TOP,
        }
    }

    /// Starts a new page unless `height` more points fit on this one.
    fn keep(&mut self, height: f32) {
        if self.y + height > BOTTOM && self.y > self.body_top {
            self.new_page();
        }
    }

    fn new_page(&mut self) {
        self.done.push(std::mem::take(&mut self.marks));
        self.y = TOP;
        let head = self.running_head.clone();
        self.put(&head);
        self.rule(MARGIN, RIGHT);
        self.gap(8.0);
        if let Some(columns) = self.table_head.clone() {
            self.put(&columns);
            self.rule(MARGIN, RIGHT);
        }
        self.body_top = self.y;
    }

    /// Like [`Writer::keep`]; when that starts a new page, it says which group goes on there.
    fn keep_in_group(&mut self, height: f32, heading: &str) {
        let pages = self.done.len();
        self.keep(height);
        if self.done.len() > pages {
            self.put(&[left(MARGIN, STRONG, format!("{heading} (continued)"))]);
        }
    }

    /// A row of cells on one baseline, on this page if it fits, else on the next.
    fn row(&mut self, cells: &[Cell]) {
        self.keep(row_height(cells));
        self.put(cells);
    }

    /// A row of cells here, fitting or not.
    fn put(&mut self, cells: &[Cell]) {
        let height = row_height(cells);
        let size = cells.iter().map(|c| c.style.size).fold(BODY.size, f32::max);
        // The ascender of DejaVu Sans is 0.93 em; this centres the text in its line.
        let baseline = self.y + (height - size * 1.16) / 2.0 + size * 0.93;
        for cell in cells {
            let x = if cell.right_aligned {
                cell.x - self.fonts.width(cell.style, &cell.text)
            } else {
                cell.x
            };
            self.marks.push(Mark::Text {
                x,
                baseline,
                style: cell.style,
                text: cell.text.clone(),
            });
        }
        self.y += height;
    }

    /// The height `block` takes, found by laying it out on a scratch page.
    fn measure(&self, block: &impl Fn(&mut Writer)) -> f32 {
        let mut scratch = Writer::new(self.fonts, Vec::new());
        let top = scratch.y;
        block(&mut scratch);
        scratch.y - top
    }

    /// Two blocks side by side from the cursor, kept together on one page.
    fn beside(&mut self, one: impl Fn(&mut Writer), other: impl Fn(&mut Writer)) {
        self.keep(self.measure(&one).max(self.measure(&other)));
        let top = self.y;
        one(self);
        let one_bottom = self.y;
        self.y = top;
        other(self);
        self.y = self.y.max(one_bottom);
    }

    fn fill(&mut self, areas: Vec<Area>, colour: Colour) {
        self.marks.push(Mark::Fill { areas, colour });
    }

    /// A thin horizontal line at the cursor.
    fn rule(&mut self, from: f32, to: f32) {
        let y = self.y + 1.5;
        self.fill(vec![Area(from, y, to - from, 0.6)], LINE);
        self.y += 3.5;
    }

    fn gap(&mut self, height: f32) {
        self.y += height;
    }

    /// The pages, each with "Page i of n" at the bottom.
    fn finish(self) -> Vec<Vec<Mark>> {
        let mut pages = self.done;
        pages.push(self.marks);
        let count = pages.len();
        for (i, page) in pages.iter_mut().enumerate() {
            let text = format!("Page {} of {count}", i + 1);
            page.push(Mark::Text {
                x: RIGHT - self.fonts.width(SMALL, &text),
                baseline: PAGE_HEIGHT - 32.0,
                style: SMALL,
                text,
            });
        }
        pages
    }
}

fn row_height(cells: &[Cell]) -> f32 {
    cells
        .iter()
        .map(|c| c.style.line_height())
        .fold(BODY.line_height(), f32::max)
}

/// Lays the invoice out into pages of marks.
fn layout(
    fonts: &Fonts,
    detail: &InvoiceDetail,
    pay: Option<&PaymentInstructions>,
    today: NaiveDate,
) -> anyhow::Result<Vec<Vec<Mark>>> {
    let language = detail.language;
    let amount = |value| detail.money(value).format(language);
    let date = |value| language.format_date(value);
    let summary = &detail.summary;
    let title = format!("Invoice {}", summary.number);

    let mut w = Writer::new(
        fonts,
        vec![
            left(MARGIN, SMALL, title.clone()),
            right(RIGHT, SMALL, detail.customer_name.clone()),
        ],
    );

    // The head: who issued it, what it is, to whom, for when.
    let issuer = pay.map(|p| p.payee.clone()).unwrap_or_default();
    w.put(&[left(MARGIN, TITLE, title), right(RIGHT, STRONG, issuer)]);
    w.gap(8.0);

    let mut customer = vec![left(MARGIN, STRONG, detail.customer_name.clone())];
    let address_lines = detail
        .billing_address
        .split(['\n', ','])
        .map(str::trim)
        .filter(|l| !l.is_empty());
    // An account named like its customer (most private customers) is not worth a second line.
    let account_name = Some(detail.account_name.as_str()).filter(|a| *a != detail.customer_name);
    for text in account_name.into_iter().chain(address_lines) {
        for line in fonts.wrap(BODY, text, LABEL_X - MARGIN - 20.0) {
            customer.push(left(MARGIN, BODY, line));
        }
    }
    // The facts the invoice page lists, on the same conditions.
    let state = summary.state(today);
    let mut facts = vec![
        (
            "Period",
            language.format_period(summary.period_start, summary.period_end),
            BODY,
        ),
        ("Issued", date(summary.issued_on), BODY),
        ("Due by", date(summary.due_on), BODY),
        ("Status", state.label().to_string(), BODY),
        ("Total", summary.total.format(language), STRONG),
    ];
    if !summary.paid.is_zero() && state != InvoiceState::Paid {
        facts.push(("Paid", summary.paid.format(language), BODY));
    }
    if state.is_due() {
        facts.push(("Left to pay", summary.remaining().format(language), STRONG));
    }
    for i in 0..customer.len().max(facts.len()) {
        let mut cells: Vec<Cell> = customer.get(i).cloned().into_iter().collect();
        if let Some((label, value, style)) = facts.get(i) {
            cells.push(left(LABEL_X, BODY, *label));
            cells.push(right(RIGHT, *style, value.clone()));
        }
        w.put(&cells);
    }
    w.gap(14.0);

    // The charges, by category.
    let columns = vec![
        left(MARGIN, SMALL, "Item"),
        left(PHONE_X, SMALL, "Line"),
        right(NET_RIGHT, SMALL, "Excl. VAT"),
        right(RATE_RIGHT, SMALL, "VAT rate"),
        right(GROSS_RIGHT, SMALL, "Incl. VAT"),
    ];
    w.row(&[left(MARGIN, HEADING, "Charges")]);
    w.keep(SMALL.line_height() + HEADING.line_height() + 2.0 * BODY.line_height());
    w.put(&columns);
    w.rule(MARGIN, RIGHT);
    w.table_head = Some(columns);
    for group in detail.groups() {
        let heading = group.category.heading();
        w.gap(2.0);
        // A heading is never left alone at the bottom of a page.
        w.keep(STRONG.line_height() + BODY.line_height());
        w.put(&[left(MARGIN, STRONG, heading)]);
        for charge in &group.charges {
            let description = fonts.wrap(BODY, &charge.description, DESCRIPTION_WIDTH);
            w.keep_in_group(BODY.line_height() * description.len() as f32, heading);
            let mut lines = description.into_iter();
            w.put(&[
                left(DESCRIPTION_X, BODY, lines.next().unwrap_or_default()),
                left(
                    PHONE_X,
                    BODY,
                    detail.line_number(charge.line).unwrap_or_default(),
                ),
                right(NET_RIGHT, BODY, amount(charge.net)),
                right(RATE_RIGHT, BODY, language.format_rate(charge.vat_rate_bp)),
                right(GROSS_RIGHT, BODY, amount(charge.gross())),
            ]);
            for more in lines {
                w.put(&[left(DESCRIPTION_X, BODY, more)]);
            }
        }
        w.keep_in_group(BODY.line_height() + 4.0, heading);
        w.rule(PHONE_X, RIGHT);
        w.put(&[
            left(PHONE_X, STRONG, "Subtotal"),
            right(NET_RIGHT, STRONG, amount(group.net)),
            right(GROSS_RIGHT, STRONG, amount(group.gross)),
        ]);
    }
    w.table_head = None;
    w.gap(12.0);

    // VAT per rate on the left; beside it the totals and the payments received.
    let totals = &detail.totals;
    let vat_summary = |w: &mut Writer| {
        w.put(&[left(MARGIN, HEADING, "VAT")]);
        w.put(&[
            left(MARGIN, SMALL, "Rate"),
            right(VAT_BASE_RIGHT, SMALL, "Base"),
            right(VAT_RIGHT, SMALL, "VAT"),
        ]);
        w.rule(MARGIN, VAT_RIGHT);
        for rate in &totals.by_rate {
            w.put(&[
                left(MARGIN, BODY, language.format_rate(rate.rate_bp)),
                right(VAT_BASE_RIGHT, BODY, amount(rate.base)),
                right(VAT_RIGHT, BODY, amount(rate.vat)),
            ]);
        }
    };
    let sums = |w: &mut Writer| {
        // Level with the VAT summary's column heads.
        w.gap(HEADING.line_height());
        w.put(&[
            left(LABEL_X, BODY, "Total excl. VAT"),
            right(RIGHT, BODY, amount(totals.net)),
        ]);
        w.put(&[
            left(LABEL_X, BODY, "VAT"),
            right(RIGHT, BODY, amount(totals.vat)),
        ]);
        w.rule(LABEL_X, RIGHT);
        w.put(&[
            left(LABEL_X, HEADING, "Total"),
            right(RIGHT, HEADING, summary.total.format(language)),
        ]);
        if detail.payments.is_empty() {
            return;
        }
        w.gap(4.0);
        w.put(&[left(LABEL_X, SMALL, "Payments received")]);
        for payment in &detail.payments {
            // The day in UTC, as on the invoice page: the invoice carries no time zone.
            w.put(&[
                left(LABEL_X, BODY, date(payment.received_at.date_naive())),
                left(LABEL_X + 62.0, BODY, payment.method.label()),
                right(RIGHT, BODY, payment.amount.format(language)),
            ]);
        }
    };
    w.beside(vat_summary, sums);

    if let Some(pay) = pay {
        w.gap(14.0);
        how_to_pay(&mut w, pay, language)?;
    }
    Ok(w.finish())
}

/// The "How to pay" panel: the bank details on the left, the QR code on the right.
fn how_to_pay(w: &mut Writer, pay: &PaymentInstructions, language: Language) -> anyhow::Result<()> {
    const PADDING: f32 = 10.0;
    const VALUE_X: f32 = MARGIN + PADDING + 110.0;
    let reference_label = match pay.amount.currency {
        Currency::Czk => "Variable symbol",
        Currency::Pln | Currency::Eur => "Payment reference",
    };
    let mut details = vec![("Pay to", pay.payee.clone()), ("IBAN", pay.iban.clone())];
    if let Some(account) = &pay.domestic_account {
        details.push(("Account number", account.clone()));
    }
    if let Some(bic) = &pay.bic {
        details.push(("BIC", bic.clone()));
    }
    details.push((reference_label, pay.reference.clone()));
    details.push(("Amount", pay.amount.format(language)));
    details.push(("Due by", language.format_date(pay.due_on)));

    let qr = match &pay.qr {
        Some((standard, payload)) => Some((standard.name(), qr_modules(payload)?)),
        None => None,
    };
    // Under the QR code, or under the details when there is none.
    let note: Vec<String> = match qr {
        Some((name, _)) => vec!["Scan with your banking app:".into(), name.into()],
        None => w.fonts.wrap(
            SMALL,
            "This payment cannot be put in a QR code: please enter the details above in your \
             banking app.",
            RIGHT - MARGIN - 2.0 * PADDING,
        ),
    };
    let note_height = SMALL.line_height() * note.len() as f32;
    let text_height = HEADING.line_height() + 4.0 + BODY.line_height() * details.len() as f32;
    let height = PADDING
        + match qr {
            Some(_) => text_height.max(QR_SIZE + note_height),
            None => text_height + note_height,
        }
        + PADDING;
    w.keep(height);

    let top = w.y;
    w.fill(vec![Area(MARGIN, top, RIGHT - MARGIN, height)], PANEL);
    w.y = top + PADDING;
    w.put(&[left(MARGIN + PADDING, HEADING, "How to pay")]);
    w.gap(4.0);
    for (label, value) in details {
        let style = if label == "Amount" { STRONG } else { BODY };
        w.put(&[
            left(MARGIN + PADDING, BODY, label),
            left(VALUE_X, style, value),
        ]);
    }
    match qr {
        Some((_, modules)) => {
            let (x, y) = (RIGHT - PADDING - QR_SIZE, top + PADDING);
            w.fill(vec![Area(x, y, QR_SIZE, QR_SIZE)], WHITE);
            let module = QR_SIZE / (modules.side + 2 * QUIET_ZONE) as f32;
            let squares = modules
                .dark
                .iter()
                .map(|&(column, row)| {
                    Area(
                        x + (column + QUIET_ZONE) as f32 * module,
                        y + (row + QUIET_ZONE) as f32 * module,
                        module,
                        module,
                    )
                })
                .collect();
            w.fill(squares, BLACK);
            w.y = y + QR_SIZE;
            for line in note {
                let centred = x + (QR_SIZE - w.fonts.width(SMALL, &line)) / 2.0;
                w.put(&[left(centred, SMALL, line)]);
            }
        }
        None => {
            for line in note {
                w.put(&[left(MARGIN + PADDING, SMALL, line)]);
            }
        }
    }
    w.y = top + height;
    Ok(())
}

/// The dark modules of a QR code, as the drawing places them.
#[derive(Debug)]
struct QrModules {
    /// Modules per side, without the quiet zone.
    side: usize,
    /// (column, row) of each dark module, from the top-left module.
    dark: Vec<(usize, usize)>,
}

/// The QR code of `payload` at error correction level M (15 %), which the payment QR standards
/// (SPAYD, EPC) ask for.
fn qr_modules(payload: &str) -> anyhow::Result<QrModules> {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
        .context("the payment details do not fit a QR code")?;
    let side = code.width();
    let dark = code
        .to_colors()
        .iter()
        .enumerate()
        .filter(|(_, colour)| **colour == qrcode::Color::Dark)
        .map(|(i, _)| (i % side, i / side))
        .collect();
    Ok(QrModules { side, dark })
}

/// Writes the pages of marks as a PDF.
fn paint(
    fonts: &Fonts,
    pages: &[Vec<Mark>],
    title: &str,
    language: Language,
) -> anyhow::Result<Vec<u8>> {
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(title.to_string())
            .language(language.code().to_string())
            .creator("Selfcare".to_string()),
    );
    let fill = |Colour(r, g, b): Colour| Fill {
        paint: rgb::Color::new(r, g, b).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    };
    for marks in pages {
        let settings =
            PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).context("the A4 page size")?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        for mark in marks {
            match mark {
                Mark::Text {
                    x,
                    baseline,
                    style,
                    text,
                } => {
                    let face = fonts.face(*style);
                    surface.set_fill(Some(fill(style.colour)));
                    surface.draw_glyphs(
                        Point::from_xy(*x, *baseline),
                        &face.glyphs(text),
                        face.font.clone(),
                        text,
                        style.size,
                        false,
                    );
                }
                Mark::Fill { areas, colour } => {
                    let mut path = PathBuilder::new();
                    for &Area(x, y, width, height) in areas {
                        if let Some(rect) = Rect::from_xywh(x, y, width, height) {
                            path.push_rect(rect);
                        }
                    }
                    if let Some(path) = path.finish() {
                        surface.set_fill(Some(fill(*colour)));
                        surface.draw_path(&path);
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| anyhow!("the invoice PDF cannot be written: {e}"))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::process::Command;

    use chrono::{TimeZone, Utc};
    use rust_decimal::Decimal;
    use selfcare::billing::invoices::{
        totals, BilledLine, Charge, ChargeCategory, InvoiceStatus, InvoiceSummary,
    };
    use selfcare::billing::invoices::{Payment, PaymentMethod};
    use selfcare::billing::payments::{payment_instructions, Payee};
    use selfcare::ids::{AccountId, LineId, Msisdn};
    use selfcare::money::Money;

    use super::*;

    fn day(month: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, month, d).unwrap()
    }

    /// The day the tests look at the invoice: after a partial payment, before the due date.
    fn today() -> NaiveDate {
        day(12, 5)
    }

    fn charge(
        line: Option<i64>,
        category: ChargeCategory,
        description: &str,
        cents: i64,
        vat_rate_bp: i64,
    ) -> Charge {
        Charge {
            line: line.map(LineId::trusted),
            category,
            addon: None,
            description: description.to_string(),
            net: Decimal::new(cents, 2),
            vat_rate_bp,
        }
    }

    /// A Czech family invoice: two lines, five categories, a discount, a VAT-exempt charge,
    /// and 500 Kč paid of it; `extra` more usage charges make it as long as wanted.
    fn sample(extra: usize) -> InvoiceDetail {
        use ChargeCategory::*;
        let mut charges = vec![
            charge(Some(1), Plan, "Tarif Neomezeně 10 GB", 49_900, 2100),
            charge(Some(2), Plan, "Tarif Základ", 29_900, 2100),
            charge(Some(1), Addon, "Data navíc 5 GB", 19_900, 2100),
            charge(Some(1), Usage, "Hovory mimo tarif (37 min)", 3_719, 2100),
            charge(Some(2), Roaming, "Data v roamingu, zóna 2 (Srbsko)", 15_000, 2100),
            charge(
                None,
                OneOff,
                "Pojištění telefonu Samsung Galaxy A55 proti poškození, krádeži a ztrátě, měsíční splátka",
                12_000,
                0,
            ),
            charge(None, Discount, "Věrnostní sleva za 3 roky s námi", -7_980, 2100),
        ];
        charges.extend((0..extra).map(|i| {
            charge(
                Some(1 + i as i64 % 2),
                Usage,
                &format!("SMS do zahraničí č. {}", i + 1),
                250 + i as i64,
                2100,
            )
        }));
        let totals = totals(&charges);
        let number = "2026110000123".to_string();
        InvoiceDetail {
            summary: InvoiceSummary {
                number: number.clone(),
                account_id: AccountId::trusted(7),
                period_start: day(11, 1),
                period_end: day(11, 30),
                issued_on: day(12, 3),
                due_on: day(12, 17),
                total: Money::new(totals.total, Currency::Czk),
                paid: Money::from_cents(50_000, Currency::Czk),
                status: InvoiceStatus::Open,
                payment_reference: "1000000123".into(),
            },
            language: Language::Cs,
            customer_name: "Jana Nováková".into(),
            account_name: "Nováková – rodina".into(),
            billing_address: "Vinohradská 1234/56, 120 00 Praha 2".into(),
            lines: vec![
                BilledLine {
                    id: LineId::trusted(1),
                    msisdn: Msisdn::parse("+420 601 123 456").unwrap(),
                    label: Some("Jana".into()),
                },
                BilledLine {
                    id: LineId::trusted(2),
                    msisdn: Msisdn::parse("+420 777 987 654").unwrap(),
                    label: Some("Tomáš".into()),
                },
            ],
            charges,
            totals,
            payments: vec![Payment {
                received_at: Utc.with_ymd_and_hms(2026, 12, 4, 9, 30, 0).unwrap(),
                amount: Money::from_cents(50_000, Currency::Czk),
                method: PaymentMethod::BankTransfer,
                invoice_number: Some(number),
            }],
            previous: None,
            changes: Vec::new(),
        }
    }

    fn instructions(detail: &InvoiceDetail) -> PaymentInstructions {
        payment_instructions(&Payee::demo(), &detail.summary).unwrap()
    }

    /// Writes the PDF where a test can point tools at it (and a person can open it).
    fn save(pdf: &[u8], name: &str) -> PathBuf {
        let path = std::env::temp_dir().join(format!(
            "selfcare-invoice-{name}-{}.pdf",
            std::process::id()
        ));
        std::fs::write(&path, pdf).unwrap();
        path
    }

    /// The text of the PDF by poppler's `pdftotext -layout`, or `None` where poppler-utils is
    /// not installed. No-break spaces read as spaces, whichever way pdftotext writes them.
    fn pdf_text(path: &std::path::Path) -> Option<String> {
        let output = Command::new("pdftotext")
            .arg("-layout")
            .arg(path)
            .arg("-")
            .output()
            .ok()?;
        assert!(output.status.success(), "pdftotext failed: {output:?}");
        Some(
            String::from_utf8(output.stdout)
                .unwrap()
                .replace('\u{a0}', " "),
        )
    }

    fn plain(text: &str) -> String {
        text.replace('\u{a0}', " ")
    }

    #[test]
    fn the_pdf_reads_as_the_invoice_with_czech_text_and_amounts() {
        let detail = sample(0);
        let pay = instructions(&detail);
        let pdf = render(&detail, Some(&pay), today()).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));

        let path = save(&pdf, "sample");
        let Some(text) = pdf_text(&path) else {
            eprintln!("pdftotext is not installed: the PDF's text was not checked");
            return;
        };
        for expected in [
            detail.summary.number.clone(),
            detail.summary.total.format(Language::Cs),
            Language::Cs.format_date(detail.summary.due_on),
            detail.summary.remaining().format(Language::Cs),
            "Left to pay".into(),
            "Partly paid".into(),
            "Nováková".into(),
            "Vinohradská 1234/56".into(),
            "+420 601 123 456".into(),
            "Věrnostní sleva".into(),
            "-79,80 Kč".into(),
            "19-2000145399/0800".into(),
            "Variable symbol".into(),
            "Scan with your banking app:".into(),
            "1000000123".into(),
            "QR Platba".into(),
        ] {
            assert!(
                text.contains(&plain(&expected)),
                "{expected:?} is not in the PDF's text:\n{text}"
            );
        }
        let pages = text.split('\u{c}').filter(|p| !p.trim().is_empty()).count();
        assert_eq!(pages, 1, "the sample fits on one page:\n{text}");
    }

    #[test]
    fn polish_lithuanian_and_russian_names_and_amounts_survive_into_the_text() {
        for (language, name) in [
            (Language::Pl, "Łukasz Wąsowski-Żółć"),
            (Language::Lt, "Jūratė Žemaitienė-Ąžuolė"),
            (Language::Ru, "Анна Кузнецова-Ёлкина"),
        ] {
            let mut detail = sample(0);
            detail.language = language;
            detail.customer_name = name.into();
            let pdf = render(&detail, None, today()).unwrap();
            let path = save(&pdf, language.code());
            let Some(text) = pdf_text(&path) else { return };
            assert!(text.contains(name), "{name} is not in:\n{text}");
            let total = plain(&detail.summary.total.format(language));
            assert!(text.contains(&total), "{total} is not in:\n{text}");
            assert!(!text.contains("How to pay"), "no instructions, no panel");
        }
    }

    #[test]
    fn a_long_invoice_continues_on_more_pages_each_naming_the_invoice() {
        let detail = sample(60);
        let fonts = Fonts::load().unwrap();
        let pages = layout(&fonts, &detail, Some(&instructions(&detail)), today()).unwrap();
        assert!(pages.len() > 1, "60 more charges do not fit on one page");
        for (i, page) in pages.iter().enumerate() {
            let texts: Vec<&str> = page
                .iter()
                .filter_map(|mark| match mark {
                    Mark::Text { text, .. } => Some(text.as_str()),
                    Mark::Fill { .. } => None,
                })
                .collect();
            assert!(
                texts.iter().any(|t| t.contains(&detail.summary.number)),
                "page {} names the invoice",
                i + 1
            );
            assert!(texts.contains(&format!("Page {} of {}", i + 1, pages.len()).as_str()));
        }
        let every_text_on_its_page = pages.iter().flatten().all(|mark| match mark {
            Mark::Text { baseline, .. } => *baseline < PAGE_HEIGHT - 25.0,
            Mark::Fill { areas, .. } => areas.iter().all(|a| a.1 + a.3 <= BOTTOM + 1.0),
        });
        assert!(every_text_on_its_page);

        let pdf = render(&detail, Some(&instructions(&detail)), today()).unwrap();
        let path = save(&pdf, "long");
        if let Some(text) = pdf_text(&path) {
            let printed: Vec<&str> = text
                .split('\u{c}')
                .filter(|p| !p.trim().is_empty())
                .collect();
            assert_eq!(printed.len(), pages.len());
            assert!(printed[1].contains("Invoice 2026110000123"));
            assert!(printed[1].contains("Excl. VAT"), "the column heads repeat");
            assert!(printed[1].contains("Usage beyond the allowance (continued)"));
            assert!(text.contains("SMS do zahraničí č. 60"));
        }
    }

    #[test]
    fn a_long_description_wraps_within_its_column() {
        let fonts = Fonts::load().unwrap();
        let text = "Pojištění telefonu Samsung Galaxy A55 proti poškození, krádeži a ztrátě";
        let lines = fonts.wrap(BODY, text, DESCRIPTION_WIDTH);
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), text);
        assert!(lines
            .iter()
            .all(|l| fonts.width(BODY, l) <= DESCRIPTION_WIDTH));
        let word = "x".repeat(200);
        assert!(fonts
            .wrap(BODY, &word, 50.0)
            .iter()
            .all(|l| !l.is_empty() && fonts.width(BODY, l) <= 50.0));
    }

    #[test]
    fn the_fonts_have_every_letter_of_our_languages() {
        let fonts = Fonts::load().unwrap();
        let letters = "áčďéěíňóřšťúůýž ąćęłńóśźż ąčęėįšųūž ЁАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдежзийклмнопрстуфхцчшщъыьэюяё €–…";
        for face in [&fonts.regular, &fonts.bold] {
            for c in letters
                .chars()
                .flat_map(|c| [c].into_iter().chain(c.to_uppercase()))
            {
                assert!(face.charmap.map(c).is_some(), "{c:?} has no glyph");
            }
        }
    }

    #[test]
    fn a_payment_no_qr_code_can_carry_says_to_enter_the_details_by_hand() {
        let detail = sample(0);
        let mut pay = instructions(&detail);
        pay.qr = None;
        let fonts = Fonts::load().unwrap();
        let pages = layout(&fonts, &detail, Some(&pay), today()).unwrap();
        let texts: Vec<&str> = pages
            .iter()
            .flatten()
            .filter_map(|mark| match mark {
                Mark::Text { text, .. } => Some(text.as_str()),
                Mark::Fill { .. } => None,
            })
            .collect();
        assert!(texts
            .iter()
            .any(|t| t.starts_with("This payment cannot be put in a QR code")));
        assert!(!texts.contains(&"Scan with your banking app:"));
        let squares = pages.iter().flatten().any(|mark| match mark {
            Mark::Fill { colour, .. } => *colour == BLACK,
            Mark::Text { .. } => false,
        });
        assert!(!squares, "no QR code is drawn");
    }

    /// Paints the modules the way the PDF does (a quiet zone of four, square modules) into a
    /// greyscale picture and decodes it with rqrr.
    fn decode(modules: &QrModules, pixels_per_module: usize) -> String {
        let side = (modules.side + 2 * QUIET_ZONE) * pixels_per_module;
        let mut picture = vec![255u8; side * side];
        for &(column, row) in &modules.dark {
            let (x0, y0) = (
                (column + QUIET_ZONE) * pixels_per_module,
                (row + QUIET_ZONE) * pixels_per_module,
            );
            for y in y0..y0 + pixels_per_module {
                picture[y * side + x0..y * side + x0 + pixels_per_module].fill(0);
            }
        }
        let mut image =
            rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| picture[y * side + x]);
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1, "one QR code");
        grids[0].decode().unwrap().1
    }

    #[test]
    fn the_qr_modules_drawn_decode_to_the_payment() {
        let detail = sample(0);
        let (_, payload) = instructions(&detail).qr.unwrap();
        assert!(payload.starts_with("SPD*1.0*ACC:CZ6508000000192000145399*"));
        assert_eq!(decode(&qr_modules(&payload).unwrap(), 4), payload);
        assert!(qr_modules(&"x".repeat(5000)).is_err());
    }

    /// Reads a binary PGM (what `pdftoppm -gray` writes): `P5 width height 255` then the pixels.
    fn read_pgm(bytes: &[u8]) -> (usize, usize, &[u8]) {
        let mut fields = Vec::new();
        let mut at = 0;
        while fields.len() < 4 {
            while bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            let start = at;
            while !bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            fields.push(std::str::from_utf8(&bytes[start..at]).unwrap());
        }
        assert_eq!(fields[0], "P5");
        let (width, height) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
        (width, height, &bytes[at + 1..])
    }

    #[test]
    fn the_qr_code_on_the_printed_page_decodes_to_the_payment() {
        let detail = sample(0);
        let pay = instructions(&detail);
        let pdf = render(&detail, Some(&pay), today()).unwrap();
        let path = save(&pdf, "qr");
        let picture = path.with_extension("");
        // `-singlefile`: the first page only, which is where a short invoice's QR code is.
        let Ok(status) = Command::new("pdftoppm")
            .args(["-r", "150", "-gray", "-singlefile"])
            .arg(&path)
            .arg(&picture)
            .status()
        else {
            eprintln!("pdftoppm is not installed: the printed QR code was not checked");
            return;
        };
        assert!(status.success());
        let bytes = std::fs::read(picture.with_extension("pgm")).unwrap();
        std::fs::remove_file(picture.with_extension("pgm")).unwrap();
        let (width, height, pixels) = read_pgm(&bytes);
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| {
            pixels[y * width + x]
        });
        let decoded: Vec<String> = image
            .detect_grids()
            .iter()
            .filter_map(|grid| grid.decode().ok())
            .map(|(_, text)| text)
            .collect();
        assert_eq!(decoded, [pay.qr.unwrap().1]);
    }
}
