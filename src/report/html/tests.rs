//! Tests of the whole page: hostile strings stay inert, an empty report
//! renders, the headline reads as intended, the charts are SVG.

use super::*;
use crate::leak::{
    ClusterRow, Event, Headline, Measures, OrgDomains, Outcome, PatternRow, RecipientRow,
    SenderRow, SenderScope, TimelineRow,
};
use crate::time::Micros;
use crate::time::DAY;

/// 2024-06-20T00:00:00Z.
const JUNE_20: Micros = 1_718_841_600 * 1_000_000;
/// 2019-03-05T00:00:00Z.
const MARCH_2019: Micros = 1_551_744_000 * 1_000_000;

fn ctx() -> HtmlContext {
    HtmlContext::new("/var/log/mail.log*", "0.1.0")
}

fn measures(leaked: u64, bytes: u64, senders: u64) -> Measures {
    Measures {
        messages_attempted: leaked + 2,
        messages_leaked: leaked,
        deliveries: leaked + 3,
        deliveries_sent: leaked,
        deliveries_bounced: 2,
        deliveries_pending: 1,
        bytes_leaked: bytes,
        senders,
        senders_leaked: senders,
        recipients: 7,
        first_seen: Some(MARCH_2019),
        last_seen: Some(JUNE_20),
        first_leak: Some(MARCH_2019),
        last_leak: Some(JUNE_20),
        ..Measures::default()
    }
}

fn empty() -> LeakReport {
    LeakReport {
        headline: Headline {
            measures: Measures::default(),
            lookalike_domains: 0,
            clusters: 0,
            top_pattern: None,
            top_cluster: None,
            still_active: false,
            logs_end: None,
            logs_start: None,
        },
        org: OrgDomains {
            domains: Vec::new(),
            source: "inferred",
        },
        events: Vec::new(),
        clusters: Vec::new(),
        patterns: Vec::new(),
        timeline: Vec::new(),
        senders: Vec::new(),
        recipients: Vec::new(),
        kinds: Vec::new(),
        markings: Vec::new(),
        subjects_logged: false,
        subjects_omitted: false,
        leaked_without_receiver: 0,
        receivers: Vec::new(),
        redacted: false,
    }
}

fn event(lookalike: &str, intended: &str, sender: &str, recipient: &str, key: u64) -> Event {
    Event {
        time: JUNE_20,
        file: "mail.log".into(),
        line: key,
        host: "mx1".into(),
        queue_id: "4AB12".into(),
        message_id: "<id@x>".into(),
        sender: sender.into(),
        recipient: recipient.into(),
        meant: "john".into(),
        lookalike: lookalike.into(),
        intended: intended.into(),
        kind: "suffix-omission".into(),
        pattern: "*.mil -> *.ml".into(),
        status: "sent",
        outcome: Outcome::Leaked,
        dsn: "2.0.0".into(),
        relay: "mx.army.ml[1.2.3.4]:25".into(),
        reply: "250 2.0.0 Ok: queued as 4F3B2A1C".into(),
        subject: "OFFICIAL-SENSITIVE: plan".into(),
        marking: "OFFICIAL-SENSITIVE".into(),
        size: Some(2000),
        sticky: true,
        message_key: key,
    }
}

/// One cluster, one pattern, with the given strings in every slot.
fn small(
    intended: &str,
    lookalike: &str,
    pattern: &str,
    sender: &str,
    recipient: &str,
) -> LeakReport {
    let m = measures(12_431, 2_100_000_000, 1_204);
    let mut r = empty();
    r.headline = Headline {
        measures: m.clone(),
        lookalike_domains: 1,
        clusters: 1,
        top_pattern: Some(pattern.into()),
        top_cluster: Some(intended.into()),
        still_active: false,
        logs_end: Some(JUNE_20 + 100 * DAY),
        logs_start: Some(MARCH_2019),
    };
    r.org = OrgDomains {
        domains: vec![intended.into()],
        source: "given",
    };
    r.events = vec![
        event(lookalike, intended, sender, recipient, 1),
        event(lookalike, intended, sender, recipient, 2),
    ];
    r.clusters = vec![ClusterRow {
        intended: intended.into(),
        lookalikes: vec![lookalike.into()],
        measures: m.clone(),
        intended_messages: 100_000,
        astray_share: 0.11,
    }];
    r.patterns = vec![PatternRow {
        pattern: pattern.into(),
        kind: pattern.into(),
        intended: vec![intended.into()],
        lookalikes: vec![lookalike.into()],
        measures: m,
    }];
    r.timeline = vec![
        TimelineRow {
            month: "2019-03".into(),
            intended: intended.into(),
            attempted: 10,
            leaked: 9,
            bytes_leaked: 9000,
        },
        TimelineRow {
            month: "2024-06".into(),
            intended: intended.into(),
            attempted: 4,
            leaked: 3,
            bytes_leaked: 3000,
        },
    ];
    r.senders = vec![SenderRow {
        scope: SenderScope::Address,
        sender: sender.into(),
        in_org: true,
        deliveries: 5,
        leaked: 4,
        messages_leaked: 4,
        bytes_leaked: 8000,
        lookalikes: 1,
        sticky_recipients: 1,
        first_seen: Some(MARCH_2019),
        last_seen: Some(JUNE_20),
    }];
    r.recipients = vec![RecipientRow {
        recipient: recipient.into(),
        meant: recipient.into(),
        lookalike: lookalike.into(),
        intended: intended.into(),
        deliveries: 5,
        leaked: 4,
        senders: 1,
        days: 4,
        first_seen: Some(MARCH_2019),
        last_seen: Some(JUNE_20),
        sticky: true,
    }];
    r.kinds = vec![(pattern.into(), 5, 4)];
    r
}

fn benign() -> LeakReport {
    small(
        "army.mil",
        "army.ml",
        "*.mil -> *.ml",
        "a@corp.example",
        "john@army.ml",
    )
}

const HOSTILE: [&str; 5] = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "'><svg onload=alert(1)>",
    "=HYPERLINK(\"http://x\")",
    "\x1b[31mred\u{202e}",
];

#[test]
fn headline_names_the_suffix_pattern() {
    let s = headline::headline(&benign()).plain();
    assert_eq!(
        s,
        "12,431 messages (2.1 GB) meant for *.mil were delivered to *.ml between 2019-03 \
         and 2024-06, from 1,204 senders."
    );
}

#[test]
fn headline_html_marks_domains_and_exact_bytes() {
    let h = headline::headline(&benign()).html();
    assert!(h.contains("<code>*.mil</code>"), "{h}");
    assert!(
        h.contains("title=\"2,100,000,000 bytes\">2.1 GB</span>"),
        "{h}"
    );
}

#[test]
fn headline_falls_back_to_the_cluster_and_says_still_active() {
    let mut r = small(
        "army.mil",
        "army.ml",
        "army.mil -> army.ml",
        "a@b",
        "c@army.ml",
    );
    r.clusters[0].lookalikes.push("arrny.mil".into());
    r.headline.still_active = true;
    r.headline.logs_end = Some(JUNE_20 + 12 * DAY);
    r.headline.measures.leaked_messages_without_size = 3;
    assert_eq!(
        headline::headline(&r).plain(),
        "12,431 messages (at least 2.1 GB) meant for army.mil were delivered to army.ml and \
         1 other lookalike between 2019-03 and 2024-06, from 1,204 senders; and it is still \
         happening: the last leak was on 2024-06-20, 12 days before the logs end."
    );
}

#[test]
fn headline_names_the_share_of_the_top_group() {
    let mut r = benign();
    r.headline.measures.messages_leaked = 20_000;
    r.headline.measures.first_leak = Some(JUNE_20);
    assert_eq!(
        headline::headline(&r).plain(),
        "20,000 messages (2.1 GB) were delivered to lookalike domains in 2024-06, from 1,204 \
         senders, 12,431 of them meant for *.mil but delivered to *.ml."
    );
}

#[test]
fn headline_without_leaks() {
    let mut r = empty();
    assert_eq!(
        headline::headline(&r).plain(),
        "No lookalike domains were found."
    );
    r.headline.lookalike_domains = 2;
    r.headline.measures.messages_attempted = 3;
    assert_eq!(
        headline::headline(&r).plain(),
        "No misdirected mail was delivered; 3 messages to lookalike domains were bounced or \
         deferred."
    );
}

#[test]
fn empty_report_renders() {
    let page = render(&empty(), &ctx());
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("No lookalike domains were found."));
    assert!(page.contains("id=\"clusters\""));
    assert!(page.contains("Nothing to chart"));
    assert!(page.ends_with("</html>\n"));
}

#[test]
fn charts_are_svg() {
    let page = render(&benign(), &ctx());
    assert_eq!(page.matches("<svg").count(), 3, "{page}");
    for id in ["chart-timeline", "chart-lookalikes", "chart-kinds"] {
        assert!(page.contains(&format!("id=\"{id}\"")));
    }
    assert!(!page.contains("Chart unavailable"));
    assert!(page.contains("army.ml (army.mil)"));
}

#[test]
fn page_is_static_and_offline() {
    let page = render(&benign(), &ctx());
    assert!(
        page.contains("content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"")
    );
    assert!(!page.to_lowercase().contains("<script"));
    assert!(!page.contains("http://") && !page.contains("https://"));
    assert!(!page.contains("<link") && !page.contains("url("));
}

/// The page's own elements; anything else came from a log.
const TAGS: &[&str] = &[
    "!doctype",
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "main",
    "header",
    "h1",
    "h2",
    "h3",
    "p",
    "br",
    "code",
    "span",
    "section",
    "figure",
    "figcaption",
    "div",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "svg",
    "g",
    "rect",
    "text",
    "line",
    "polyline",
    "polygon",
    "path",
    "circle",
    "tspan",
];

/// Every raw tag of `page` (the text between `<` and the next `>`). Report
/// strings have every `<` escaped, so these are all markup.
fn raw_tags(page: &str) -> Vec<String> {
    page.split('<')
        .skip(1)
        .map(|s| s.split('>').next().unwrap_or("").to_lowercase())
        .collect()
}

#[test]
fn hostile_strings_are_inert() {
    for bad in HOSTILE {
        let mut r = small(bad, bad, bad, bad, bad);
        r.org.domains.push(bad.into());
        r.org.source = "given";
        let mut c = ctx();
        c.title_paths = bad.into();
        let page = render(&r, &c);
        let lower = page.to_lowercase();
        assert!(!lower.contains("<script"), "{bad}: {page}");
        assert!(
            !lower.contains("<img") && !lower.contains("<svg onload"),
            "{bad}"
        );
        // "onerror=" may appear as escaped text (`&lt;img src=x onerror=...`),
        // never inside a tag.
        for tag in raw_tags(&page) {
            let name = tag
                .trim_start_matches('/')
                .split_whitespace()
                .next()
                .unwrap_or("");
            assert!(TAGS.contains(&name), "{bad}: unexpected tag <{tag}>");
            assert!(
                !tag.contains(" on") && !tag.contains("javascript:"),
                "{bad}: <{tag}>"
            );
            // Attribute values are quoted and hold no raw quote of a log string.
            assert_eq!(tag.matches('"').count() % 2, 0, "{bad}: <{tag}>");
        }
        assert!(
            !page.contains('\x1b') && !page.contains('\u{202e}'),
            "{bad}"
        );
        assert_eq!(page.matches("<svg").count(), 3, "{bad}");
    }
}

#[test]
fn plotters_escapes_chart_labels() {
    let r = small("a<b>&\"'", "<script>x</script>", "p", "s", "r");
    let page = render(&r, &ctx());
    let timeline = page.split("id=\"chart-timeline\"").nth(1).unwrap();
    assert!(
        timeline.contains("a&lt;b&gt;&amp;&quot;&apos;"),
        "{timeline}"
    );
    let bars = page.split("id=\"chart-lookalikes\"").nth(1).unwrap();
    assert!(bars.contains("&lt;script&gt;x&lt;/script&gt;"));
}

#[test]
fn control_characters_are_spelt_out() {
    let r = small("army.mil", "\x1b[31marmy.ml", "*.mil -> *.ml", "s", "r");
    let page = render(&r, &ctx());
    assert!(page.contains("\\x1b[31marmy.ml"));
}

#[test]
fn long_tables_say_how_many_more() {
    let mut r = benign();
    let row = r.senders[0].clone();
    r.senders = (0..25)
        .map(|i| SenderRow {
            sender: format!("s{i:02}@corp.example"),
            messages_leaked: i,
            ..row.clone()
        })
        .collect();
    let mut c = ctx();
    c.top_n = 20;
    let page = render(&r, &c);
    let senders = page.split("id=\"senders\"").nth(1).unwrap();
    assert!(senders.contains("5 more senders not shown"), "{senders}");
    // Most leaked first.
    let first = senders.find("s24@").unwrap();
    assert!(first < senders.find("s23@").unwrap());
    assert!(!senders.contains("s04@"));
}

#[test]
fn redacted_reports_say_so_first() {
    let mut r = benign();
    r.redacted = true;
    let page = render(&r, &ctx());
    let banner = page.find("id=\"redacted\"").unwrap();
    assert!(banner < page.find("id=\"headline\"").unwrap());
}

#[test]
fn timeline_groups_the_rest_as_other() {
    let mut r = benign();
    r.timeline = (0..9)
        .map(|i| TimelineRow {
            month: format!("2024-0{}", i % 3 + 1),
            intended: format!("d{i}.mil"),
            attempted: 1,
            leaked: 10 - i,
            bytes_leaked: 0,
        })
        .collect();
    let page = render(&r, &ctx());
    assert!(page.contains("other (3 domains)"));
    assert!(page.contains("d0.mil") && !page.contains(">d8.mil"));
}

/// Writes the one-row page to $MISDIRECT_HTML_OUT, to look at in a browser
/// (single bars, single months): `cargo test --release --lib
/// report::html::tests::write_small_page -- --ignored`.
#[test]
#[ignore]
fn write_small_page() {
    let path = std::env::var("MISDIRECT_HTML_OUT").unwrap_or("/tmp/html-small.html".into());
    let mut r = benign();
    r.timeline.truncate(1);
    std::fs::write(path, render(&r, &ctx())).unwrap();
}
