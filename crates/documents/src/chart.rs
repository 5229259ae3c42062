//! Charts drawn on the server as SVG, so the page and the printed report show the same
//! figure and no script library is needed. Knows nothing of money or records: it draws
//! labelled groups of non-negative values with the text the caller gives for each.

use std::fmt::Write;

/// Colours of the series, in order; chosen to stay apart when printed in grey.
const COLOURS: [&str; 6] = [
    "#1f5fa8", "#2e8b57", "#d08c1a", "#b03a2e", "#6b4c9a", "#555555",
];

/// One group of bars: its label, and per series the value and the text shown for it.
pub struct Group {
    pub label: String,
    pub values: Vec<(i64, String)>,
}

const WIDTH: u32 = 720;
const LABEL_W: u32 = 190;
const VALUE_W: u32 = 110;
const BAR_H: u32 = 11;
const GAP: u32 = 10;
const LEGEND_H: u32 = 28;

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// At most `n` characters of a label, with an ellipsis when cut.
fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Horizontal grouped bars: one row of bars per group, one bar per series, all on one
/// scale (the largest value fills the width). Negative values are drawn as zero.
pub fn grouped_bars(title: &str, series: &[&str], groups: &[Group]) -> String {
    let n = series.len().clamp(1, COLOURS.len()) as u32;
    let group_h = n * BAR_H + GAP;
    let height = LEGEND_H + group_h * groups.len().max(1) as u32 + GAP;
    let max = groups
        .iter()
        .flat_map(|g| g.values.iter().map(|v| v.0))
        .max()
        .unwrap_or(0)
        .max(1);
    let bar_w = WIDTH - LABEL_W - VALUE_W;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-label="{t}" class="chart" font-family="sans-serif" font-size="12"><title>{t}</title>"#,
        t = esc(title)
    );
    let mut x = LABEL_W;
    for (i, name) in series.iter().take(n as usize).enumerate() {
        let _ = write!(
            s,
            r#"<rect x="{x}" y="8" width="12" height="12" fill="{}"/><text x="{}" y="18">{}</text>"#,
            COLOURS[i],
            x + 16,
            esc(name)
        );
        x += 20 + 14 * name.chars().count() as u32;
    }
    for (gi, g) in groups.iter().enumerate() {
        let top = LEGEND_H + gi as u32 * group_h;
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
            LABEL_W - 8,
            top + n * BAR_H / 2 + 4,
            esc(&cut(&g.label, 14))
        );
        for (si, (value, text)) in g.values.iter().take(n as usize).enumerate() {
            let y = top + si as u32 * BAR_H;
            let v = (*value).max(0);
            // Scaled in i128 so that no amount overflows; a value above zero shows at
            // least one pixel, so it is not mistaken for nothing.
            let w = ((i128::from(v) * i128::from(bar_w)) / i128::from(max)) as u32;
            let w = if v > 0 { w.max(1) } else { 0 };
            let _ = write!(
                s,
                r#"<rect class="bar" x="{LABEL_W}" y="{y}" width="{w}" height="{}" fill="{}"><title>{}：{}</title></rect>"#,
                BAR_H - 2,
                COLOURS[si],
                esc(series.get(si).copied().unwrap_or("")),
                esc(text),
            );
            // Nothing to read beside an empty bar: the table below has every figure.
            if v > 0 {
                let _ = write!(
                    s,
                    r#"<text x="{}" y="{}" font-size="10">{}</text>"#,
                    LABEL_W + w + 4,
                    y + BAR_H - 3,
                    esc(text)
                );
            }
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(label: &str, values: &[i64]) -> Group {
        Group {
            label: label.into(),
            values: values.iter().map(|v| (*v, format!("{v}"))).collect(),
        }
    }

    fn widths(svg: &str) -> Vec<u32> {
        svg.split("<rect class=\"bar\"")
            .skip(1)
            .map(|r| {
                let w = r.split("width=\"").nth(1).unwrap();
                w[..w.find('"').unwrap()].parse().unwrap()
            })
            .collect()
    }

    #[test]
    fn bars_share_one_scale_and_the_largest_fills_it() {
        let svg = grouped_bars(
            "资金",
            &["预算", "拨付"],
            &[g("甲", &[1000, 500]), g("乙", &[0, 250])],
        );
        assert_eq!(widths(&svg), vec![420, 210, 0, 105]);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }

    #[test]
    fn text_is_escaped_and_long_labels_cut() {
        let svg = grouped_bars(
            "<b>",
            &["a&b"],
            &[g("一二三四五六七八九十一二三四五六", &[1])],
        );
        assert!(svg.contains("&lt;b&gt;") && svg.contains("a&amp;b"));
        assert!(!svg.contains("<b>"));
        assert!(svg.contains("一二三四五六七八九十一二三…"));
    }

    #[test]
    fn tiny_negative_and_huge_values_stay_in_bounds() {
        let svg = grouped_bars(
            "x",
            &["a"],
            &[g("a", &[i64::MAX]), g("b", &[1]), g("c", &[-5])],
        );
        assert_eq!(widths(&svg), vec![420, 1, 0]);
        let empty = grouped_bars("x", &["a"], &[]);
        assert!(empty.contains("</svg>"));
    }
}
