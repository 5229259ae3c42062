//! The import's progress bar on the terminal (stderr), redrawn in place; nothing when
//! stderr is a file or a pipe, so that logs and scripts see only the summary.

use jianguan_app::bundle::Step;
use std::io::{IsTerminal, Write};

const WIDTH: usize = 30;

/// The bar's line for a step, without the carriage return.
pub fn line(step: Step) -> String {
    match step {
        Step::Checking { records } => format!("检查 {records} 条记录……"),
        Step::Writing { table, done, total } => {
            let filled = (done * WIDTH)
                .checked_div(total)
                .unwrap_or(WIDTH)
                .min(WIDTH);
            let pct = (done * 100).checked_div(total).unwrap_or(100).min(100);
            format!(
                "写入 [{}{}] {pct:>3}%  {done}/{total}  {table}",
                "#".repeat(filled),
                "-".repeat(WIDTH - filled)
            )
        }
        Step::Sealing => "写入审计记录并提交……".to_string(),
    }
}

/// A callback drawing the bar, when stderr is a terminal.
pub fn bar() -> impl Fn(Step) + Send + Sync {
    let tty = std::io::stderr().is_terminal();
    move |step| {
        if tty {
            let mut e = std::io::stderr().lock();
            // Clear to the end of the line: a shorter line must not leave the old one's tail.
            let _ = write!(e, "\r{}\x1b[K", line(step));
            let _ = e.flush();
        }
    }
}

/// Ends the bar's line (when there was one).
pub fn done() {
    if std::io::stderr().is_terminal() {
        eprintln!();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_fills_with_the_records_written() {
        let at = |done| {
            line(Step::Writing {
                table: "inspections",
                done,
                total: 200,
            })
        };
        assert!(at(0).starts_with(&format!("写入 [{}]   0%", "-".repeat(WIDTH))));
        assert!(at(100).contains(&format!("[{}{}]  50%", "#".repeat(15), "-".repeat(15))));
        assert!(at(200).contains(&format!(
            "[{}] 100%  200/200  inspections",
            "#".repeat(WIDTH)
        )));
        // An empty bundle is complete, not a division by zero.
        assert!(
            line(Step::Writing {
                table: "projects",
                done: 0,
                total: 0
            })
            .contains("100%")
        );
    }
}
