//! The layout measured from the PDF as poppler reads it (pdfinfo, pdffonts, pdftotext
//! -bbox): A4, the text block where GB/T 9704 puts it, 22 lines of 28 characters on a
//! full page, the number and date as the standard writes them, page numbers right on odd
//! pages and left on even ones, every font embedded, the text extractable; and the DOCX's
//! page setup read back. Pages are drawn to PNG (pdftoppm) under target/screenshots/ to
//! look at.

use super::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Long enough to fill a second page with plain paragraphs.
fn sample() -> Official {
    let para = "经查，该企业承办的村级电子商务服务站点建设项目截至本月底累计完成投资约百分之三十五，\
                低于进度计划表约定的百分之六十五，部分站点设备尚未安装到位，服务站运营人员未按方案配备，\
                站点台账记录不完整，存在较大的进度风险。";
    let mut body = vec![
        Block::Para("根据《交城县电子商务进农村综合示范项目日常监管制度》（交电商办〔2022〕9号）有关规定，县监督检查小组于2026年11月20日对你单位承办项目进行了监督检查，现将有关事项通知如下。".into()),
        Block::Heading1("一、存在的问题".into()),
        Block::Para(para.into()),
        Block::Heading2("（一）建设进度严重滞后".into()),
        Block::Heading3("1. 站点设备未安装到位".into()),
    ];
    for _ in 0..14 {
        body.push(Block::Para(para.into()));
    }
    body.push(Block::Heading1("二、整改要求".into()));
    body.push(Block::Para("请于2026年12月31日前完成整改，并将书面整改材料报县监督检查小组。逾期未整改的，将依规取消承办资格。".into()));
    Official {
        layout: Layout::File,
        mark: "交城县电子商务进农村综合示范工作领导组办公室文件".into(),
        number: document_number("交电商办", 2026, 12),
        title: "关于对交城县晋商电子商务服务有限公司下达限期整改通知书的通知".into(),
        to: Some("交城县晋商电子商务服务有限公司".into()),
        body,
        attachments: vec!["监督检查记录".into(), "现场图片".into()],
        attendance: vec![],
        signer: "交城县电子商务进农村综合示范工作领导组办公室".into(),
        date: d(2026, 12, 6),
        cc: vec!["县工业和信息化（商务）局".into(), "县财政局".into()],
        printed_by: "交城县电子商务进农村综合示范工作领导组办公室".into(),
        printed_on: d(2026, 12, 6),
        figures: vec![],
        photo_pages: vec![],
    }
}

fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name).args(args).output().unwrap_or_else(|e| {
        panic!("{name} is needed for this test (apt-get install poppler-utils): {e}")
    });
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn fonts() -> Fonts {
    let f = Fonts::discover(None);
    assert!(
        !f.is_empty(),
        "this test needs a Chinese face: apt-get install fonts-noto-cjk"
    );
    f
}

fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots/documents");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// One word of `pdftotext -bbox`: its page, box (points, from the top left) and text.
#[derive(Debug)]
struct Word {
    page: usize,
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    text: String,
}

fn words(pdf: &Path) -> Vec<Word> {
    let html = tool("pdftotext", &["-bbox", pdf.to_str().unwrap(), "-"]);
    let mut out = Vec::new();
    let mut page = 0;
    for line in html.lines() {
        let line = line.trim();
        if line.starts_with("<page") {
            page += 1;
        } else if let Some(rest) = line.strip_prefix("<word ") {
            let attr = |name: &str| -> f64 {
                let key = format!("{name}=\"");
                let i = rest.find(&key).unwrap() + key.len();
                rest[i..].split('"').next().unwrap().parse().unwrap()
            };
            let text = rest
                .split('>')
                .nth(1)
                .unwrap_or("")
                .split('<')
                .next()
                .unwrap_or("");
            out.push(Word {
                page,
                x0: attr("xMin"),
                y0: attr("yMin"),
                x1: attr("xMax"),
                y1: attr("yMax"),
                text: text.to_string(),
            });
        }
    }
    out
}

const PT_PER_MM: f64 = 72.0 / 25.4;

#[test]
fn a_file_document_is_laid_out_as_gb_t_9704_measures_it() {
    let doc = sample();
    let r = pdf(&doc, &fonts()).unwrap();
    assert!(r.pages >= 2, "the sample fills a second page: {}", r.pages);
    let dir = screenshots();
    let path = dir.join("official-sample.pdf");
    std::fs::write(&path, &r.pdf).unwrap();
    let p = path.to_str().unwrap();

    // A4, and every face embedded.
    let info = tool("pdfinfo", &[p]);
    assert!(info.contains("595.276 x 841.89 pts"), "{info}");
    let fonts = tool("pdffonts", &[p]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in &rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        // name type [encoding] emb sub uni object ID: "emb" is the fifth from the end.
        assert_eq!(cols[cols.len() - 5], "yes", "not embedded: {row}");
    }

    // The text can be read back, with the number and dates as the standard writes them.
    let text = tool("pdftotext", &["-layout", p, "-"]);
    let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for s in [
        "交电商办〔2026〕12号",
        "交城县晋商电子商务服务有限公司：",
        "2026年12月6日",
        "2026年12月6日印发",
        "抄送：县工业和信息化（商务）局，县财政局。",
        "附件：1.监督检查记录",
    ] {
        assert!(flat.contains(s), "{s} missing:\n{text}");
    }

    // The second page is all body: 22 lines, 28 characters on a full line, in the block.
    let all = words(&path);
    let page2: Vec<&Word> = all
        .iter()
        .filter(|w| {
            w.page == 2 && !w.text.contains('—') && !w.text.chars().all(|c| c.is_ascii_digit())
        })
        .collect();
    let mut tops: Vec<f64> = page2.iter().map(|w| (w.y0 * 10.0).round() / 10.0).collect();
    tops.sort_by(f64::total_cmp);
    tops.dedup_by(|a, b| (*a - *b).abs() < 2.0);
    assert_eq!(tops.len(), 22, "lines on a full page: {tops:?}");
    let pitch = (tops[21] - tops[0]) / 21.0;
    assert!(
        (pitch - 225.0 / 22.0 * PT_PER_MM).abs() < 0.3,
        "line pitch {pitch:.2} pt"
    );
    let left = page2.iter().map(|w| w.x0).fold(f64::MAX, f64::min);
    let right = page2.iter().map(|w| w.x1).fold(0.0, f64::max);
    let top = page2.iter().map(|w| w.y0).fold(f64::MAX, f64::min);
    let bottom = page2.iter().map(|w| w.y1).fold(0.0, f64::max);
    let mm = |pt: f64| pt / PT_PER_MM;
    assert!(
        (mm(left) - 28.0).abs() <= 1.0,
        "left margin {:.1} mm",
        mm(left)
    );
    assert!(
        (mm(right) - 184.0).abs() <= 1.0,
        "right edge {:.1} mm",
        mm(right)
    );
    assert!(
        (mm(top) - 37.0).abs() <= 1.5,
        "top margin {:.1} mm",
        mm(top)
    );
    assert!(
        mm(bottom) <= 262.0 + 1.0,
        "bottom edge {:.1} mm",
        mm(bottom)
    );
    // A line of a paragraph that goes on, in Chinese only: 28 characters, punctuation
    // taking its cell like any other.
    let full = page2
        .iter()
        .filter(|w| (w.x0 - left).abs() < 1.0 && w.text.chars().all(|c| !c.is_ascii()))
        .map(|w| w.text.chars().count())
        .max()
        .unwrap_or(0);
    assert_eq!(full, 28, "characters on a full line");

    // Page numbers: "— 1 —" right on page 1, "— 2 —" left on page 2, 7 mm below the block.
    let number = |page: usize| {
        all.iter()
            .find(|w| w.page == page && w.text == page.to_string())
            .unwrap_or_else(|| panic!("page number {page}"))
    };
    let one = number(1);
    let two = number(2);
    assert!(
        mm(one.x1) > 160.0,
        "page 1 on the right: {:.1} mm",
        mm(one.x1)
    );
    assert!(
        mm(two.x0) < 50.0,
        "page 2 on the left: {:.1} mm",
        mm(two.x0)
    );
    assert!(
        (mm(one.y0) - (262.0 + 7.0)).abs() <= 3.0,
        "page number at {:.1} mm",
        mm(one.y0)
    );

    // Pictures to look at.
    let _ = Command::new("pdftoppm")
        .args([
            "-png",
            "-r",
            "60",
            p,
            dir.join("official-sample").to_str().unwrap(),
        ])
        .status();
}

#[test]
fn the_docx_has_the_standard_page() {
    let bytes = docx::docx(&sample(), &[]).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    assert!(
        xml.contains(r#"w:w="11906""#) && xml.contains(r#"w:h="16838""#),
        "A4"
    );
    // 37 mm top, 28 mm left, 26 mm right, 35 mm bottom, in twips.
    for (side, twips) in [
        ("top", 2098),
        ("left", 1587),
        ("right", 1474),
        ("bottom", 1984),
    ] {
        assert!(
            xml.contains(&format!(r#"w:{side}="{twips}""#)),
            "{side}: {}",
            &xml[xml.find("pgMar").unwrap_or(0)..][..200.min(xml.len())]
        );
    }
    assert!(xml.contains("交电商办〔2026〕12号") && xml.contains("仿宋_GB2312"));
    assert!(xml.contains("E60012"), "the red mark and line");
}

#[test]
fn minutes_list_who_attended_and_carry_their_pictures_after_the_text() {
    let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300"><rect width="400" height="300" fill="#8ab"/></svg>"##;
    let doc = Official {
        layout: Layout::Minutes,
        mark: "交城县电子商务领导组纪要".into(),
        number: "2026年第3期".into(),
        title: "村级服务站建设进度监督检查会议纪要".into(),
        to: None,
        body: vec![
            Block::Heading1("一、检查情况".into()),
            Block::Para("听取汇报，查看站点设备安装情况。".into()),
        ],
        attachments: vec!["现场图片".into()],
        attendance: vec![
            ("出席".into(), "李检查、王检查".into()),
            ("列席".into(), "交城县晋商电子商务服务有限公司".into()),
        ],
        signer: String::new(),
        date: d(2026, 12, 6),
        cc: vec![],
        printed_by: "交城县电子商务领导组办公室".into(),
        printed_on: d(2026, 12, 6),
        figures: vec![Figure {
            caption: "图1　天宁镇东关村服务站".into(),
            format: "svg".into(),
            bytes: svg.to_vec(),
        }],
        photo_pages: vec![0],
    };
    let r = pdf(&doc, &fonts()).unwrap();
    assert_eq!(
        r.pages, 2,
        "the text, then the pictures on a page of their own"
    );
    let path = screenshots().join("minutes-sample.pdf");
    std::fs::write(&path, &r.pdf).unwrap();
    let p = path.to_str().unwrap();
    let page = |n: &str| tool("pdftotext", &["-f", n, "-l", n, "-layout", p, "-"]);
    let flat = |t: String| -> String { t.chars().filter(|c| !c.is_whitespace()).collect() };
    let first = flat(page("1"));
    for s in [
        "交城县电子商务领导组纪要",
        "2026年第3期",
        "出席：李检查、王检查",
        "列席：",
    ] {
        assert!(first.contains(s), "{s} on the first page:\n{first}");
    }
    assert!(
        !first.contains("2026年12月6日\n"),
        "a 纪要 carries no signature date"
    );
    let second = flat(page("2"));
    assert!(
        second.starts_with("附件") && second.contains("图1"),
        "{second}"
    );
    assert!(
        second.contains("2026年12月6日印发"),
        "版记 on the last page: {second}"
    );
    let _ = Command::new("pdftoppm")
        .args([
            "-png",
            "-r",
            "60",
            p,
            screenshots().join("minutes-sample").to_str().unwrap(),
        ])
        .status();
}

/// A report's table runs onto a second page with its header again at the top, words left
/// and figures right; its chart (the server's SVG) is drawn with its caption.
#[test]
fn a_report_s_table_repeats_its_header_on_the_next_page_and_its_chart_is_drawn() {
    let mut doc = sample();
    doc.title = "关于2026年第三季度监督检查情况的报告".into();
    let chart = crate::chart::grouped_bars(
        "监督检查频次",
        &["应检查", "已检查"],
        &[crate::chart::Group {
            label: "2026年7月".into(),
            values: vec![(4, "应检查 4 次".into()), (3, "已检查 3 次".into())],
        }],
    );
    doc.figures = vec![Figure {
        caption: "监督检查频次：应检查与已检查".into(),
        format: "svg".into(),
        bytes: chart.into_bytes(),
    }];
    doc.body = vec![
        Block::Heading1("一、监督检查开展情况".into()),
        Block::Table(Table {
            headers: ["承办企业", "应报", "按时"].map(String::from).to_vec(),
            rows: (1..=40)
                .map(|n| vec![format!("第{n}家承办企业"), n.to_string(), "1".into()])
                .collect(),
        }),
        Block::Figure(0),
    ];
    let r = pdf(&doc, &fonts()).unwrap();
    assert!(r.pages >= 2, "forty rows run onto a second page");
    let path = screenshots().join("report-sample.pdf");
    std::fs::write(&path, &r.pdf).unwrap();
    let p = path.to_str().unwrap();
    let page = |n: &str| tool("pdftotext", &["-f", n, "-l", n, "-layout", p, "-"]);
    let flat = |t: String| -> String { t.chars().filter(|c| !c.is_whitespace()).collect() };
    let (first, second) = (flat(page("1")), flat(page("2")));
    assert!(first.contains("承办企业应报按时"), "{first}");
    assert!(
        second.starts_with("承办企业应报按时") || second.contains("承办企业应报按时第"),
        "the header again on page 2: {second}"
    );
    let all: String = (1..=r.pages).map(|n| flat(page(&n.to_string()))).collect();
    assert!(all.contains("第40家承办企业"), "no row lost");
    assert!(
        all.contains("监督检查频次：应检查与已检查"),
        "the chart's caption"
    );
    assert!(
        all.contains("已检查3次"),
        "the chart's own text, drawn from the SVG"
    );
    let _ = Command::new("pdftoppm")
        .args([
            "-png",
            "-r",
            "60",
            p,
            screenshots().join("report-sample").to_str().unwrap(),
        ])
        .status();
}
