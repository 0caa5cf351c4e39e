//! The page's "Who received it" section: the servers that accepted leaked
//! mail, their groups of shared infrastructure and the catch-all
//! lookalikes, with the chart of the top receivers. The figures are the
//! report's (`leak::receivers`); this only lays them out, escaped.

use super::charts;
use super::tables::{section, td, td_bytes, td_code, td_list, td_num, td_span, Section};
use crate::leak::receivers::CATCH_ALL_MIN_LOCALS;
use crate::leak::LeakReport;

pub fn receivers(report: &LeakReport, top_n: usize) -> String {
    let rows = report.receivers.iter().take(top_n).map(|r| {
        let group = if r.group_receivers > 1 || r.group_lookalikes > 1 {
            format!(
                "{} ({} servers, {} lookalikes)",
                r.group, r.group_receivers, r.group_lookalikes
            )
        } else {
            r.group.to_string()
        };
        [
            td_code(&r.receiver),
            td_list(&r.ips),
            td_list(&r.lookalikes),
            td_num(r.messages_leaked),
            td_bytes(r.bytes_leaked),
            td_span(r.first_leak, r.last_leak),
            td_code(&r.reply),
            td_list(&r.catch_all_lookalikes),
            td(&group),
        ]
        .concat()
    });
    let intro = format!(
        "The servers that accepted misdirected mail. Servers serving a common lookalike, \
         sharing an address or a /24 network form one group: many lookalikes on one group \
         point to a deliberate collector. A catch-all lookalike accepted mail for at least \
         {CATCH_ALL_MIN_LOCALS} different local parts and refused none as unknown."
    );
    let mut out = section(Section {
        id: "receivers",
        title: "Who received it",
        intro: &intro,
        heads: &[
            ("Server", false),
            ("Addresses", false),
            ("Lookalikes", false),
            ("Messages leaked", true),
            ("Bytes leaked", true),
            ("First / last leak", false),
            ("Reply", false),
            ("Catch-all lookalikes", false),
            ("Group", false),
        ],
        rows: rows.collect(),
        total: report.receivers.len(),
        noun: "receiving servers",
    });
    if report.leaked_without_receiver > 0 {
        let note = format!(
            "<p class=\"note\">{} leaked message{} went to servers the logs do not name \
             (message traces without a destination address, relays logged as none).</p>\n",
            crate::report::format::count(report.leaked_without_receiver),
            if report.leaked_without_receiver == 1 {
                ""
            } else {
                "s"
            }
        );
        let at = out.rfind("</section>").unwrap_or(out.len());
        out.insert_str(at, &note);
    }
    if !report.receivers.is_empty() {
        // The chart goes inside the section, after its table.
        let chart = charts::receivers(report);
        let at = out.rfind("</section>").unwrap_or(out.len());
        out.insert_str(at, &chart);
    }
    out
}
