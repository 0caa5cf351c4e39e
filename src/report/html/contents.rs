//! The page's "What it was" section: misdirected messages by the protective
//! marking in their subject (`leak::markings`), in total. Per cluster and
//! per pattern, the figures are in markings.csv.

use super::tables::{section, td, td_bytes, td_num, Section};
use crate::leak::LeakReport;

pub fn markings(report: &LeakReport, top_n: usize) -> String {
    let total: Vec<_> = report
        .markings
        .iter()
        .filter(|m| m.scope == "total")
        .collect();
    let rows = total.iter().take(top_n.max(total.len())).map(|m| {
        [
            td(&m.marking),
            td_num(m.measures.messages_leaked),
            td_bytes(m.measures.bytes_leaked),
            td_num(m.measures.messages_attempted),
        ]
        .concat()
    });
    let intro = if report.subjects_logged {
        "Misdirected messages by the protective marking in their subject (the first marking \
         of the list that matches; encoded words decoded). Per cluster and pattern in \
         markings.csv."
    } else {
        "The logs carry no subjects (Exchange and Microsoft 365 do; Postfix with header_checks \
         INFO lines, Exim with log_selector +subject), so no marking can be told."
    };
    section(Section {
        id: "markings",
        title: "What it was",
        intro,
        heads: &[
            ("Marking", false),
            ("Messages leaked", true),
            ("Bytes leaked", true),
            ("Messages attempted", true),
        ],
        rows: rows.collect(),
        total: total.len(),
        noun: "markings",
    })
}
