//! `--format markdown`: the table a job summary shows, rendered by GitHub's
//! own renderer (Debian's cmark-gfm, with GitHub's extensions: tables,
//! autolinks, strikethrough, the tag filter), so "cannot break the table"
//! is read off the HTML a reader would see.

use std::io::Write as _;
use std::process::{Command, Stdio};

use crate::common::{A, B, C, D, Run, TestEnv, id, pair};

/// The HTML GitHub's renderer makes of `markdown`.
fn render(markdown: &str) -> String {
    let mut child = Command::new("cmark-gfm")
        .args(["-e", "table", "-e", "autolink", "-e", "strikethrough"])
        .args(["-e", "tagfilter"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("cmark-gfm (Debian's cmark-gfm; bash scripts/setup installs it)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(markdown.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "cmark-gfm failed");
    String::from_utf8(out.stdout).unwrap()
}

/// The text of an HTML fragment as a reader sees it: tags dropped,
/// cmark-gfm's entities read.
fn text_of(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// The body rows of the one table in `html`, each a list of cells' HTML.
fn rows(html: &str) -> Vec<Vec<String>> {
    assert_eq!(html.matches("<table>").count(), 1, "one table:\n{html}");
    let body = html
        .split_once("<tbody>")
        .map_or("", |(_, b)| b.split_once("</tbody>").unwrap().0);
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            row.split("<td>")
                .skip(1)
                .map(|cell| cell.split_once("</td>").unwrap().0.to_owned())
                .collect()
        })
        .collect()
}

fn header(html: &str) -> Vec<String> {
    let head = html.split_once("<thead>").unwrap().1;
    let head = head.split_once("</thead>").unwrap().0;
    head.split("<th>")
        .skip(1)
        .map(|c| text_of(c.split_once("</th>").unwrap().0))
        .collect()
}

/// What no name may make: a link, an image, HTML, emphasis, struck text.
fn assert_inert(html: &str) {
    for tag in [
        "<a ", "<img", "<script", "<b>", "<em>", "<del>", "<h1", "<br",
    ] {
        assert!(!html.contains(tag), "{tag} in the rendered report:\n{html}");
    }
}

fn markdown(run: &Run) -> String {
    assert!(!run.stdout.contains('\x1b'), "no colour codes in Markdown");
    render(&run.stdout)
}

#[test]
fn check_is_one_row_per_var_with_ids_status_and_finding_ids() {
    let t = TestEnv::new();
    let env = t.write(
        ".env",
        format!(
            "SECURE_KEY={}\nSERVICE_ONE_SECURE_KEY={},{}x\n",
            pair(A, B),
            C,
            &D[..60]
        ),
    );
    let run = t.run([
        "check",
        "--format",
        "markdown",
        "--env-file",
        env.to_str().unwrap(),
    ]);
    run.code(1);
    let html = markdown(&run);
    assert_inert(&html);
    assert_eq!(
        header(&html),
        ["Var", "Status", "Latest", "Previous", "Findings"]
    );
    let rows = rows(&html);
    assert_eq!(rows.len(), 2, "a row per var:\n{html}");
    let good: Vec<String> = rows[0].iter().map(|c| text_of(c)).collect();
    assert_eq!(good, ["SECURE_KEY", "ok", &id(A), &id(B), ""]);
    let bad: Vec<String> = rows[1].iter().map(|c| text_of(c)).collect();
    assert_eq!(bad[0], "SERVICE_ONE_SECURE_KEY");
    assert_eq!(bad[1], "error");
    assert_eq!(bad[2], id(C), "the well-formed key keeps its id");
    assert_eq!(bad[3], "—");
    assert!(bad[4].contains("not-hex"), "finding ids: {}", bad[4]);
    // The findings follow the table, each with its fix.
    assert!(html.contains("<code>not-hex</code>"));
    assert!(text_of(&html).contains("Fix:"));
}

#[test]
fn lint_adds_the_app_column() {
    let t = TestEnv::new();
    let s1 = t.write(
        "s1.json",
        serde_json::json!({"SECURE_KEY": pair(A, B)}).to_string(),
    );
    let s2 = t.write(
        "s2.json",
        serde_json::json!({"SERVICE_ONE_SECURE_KEY": pair(A, B)}).to_string(),
    );
    let run = t.run([
        "lint",
        "--format",
        "markdown",
        &format!("service-1={}", s1.display()),
        &format!("service-2={}", s2.display()),
    ]);
    run.code(0);
    let html = markdown(&run);
    assert_eq!(
        header(&html),
        ["App", "Var", "Status", "Latest", "Previous", "Findings"]
    );
    let cells: Vec<Vec<String>> = rows(&html)
        .iter()
        .map(|r| r.iter().map(|c| text_of(c)).collect())
        .collect();
    assert_eq!(
        cells,
        [
            ["service-1", "SECURE_KEY", "ok", &id(A), &id(B), ""],
            [
                "service-2",
                "SERVICE_ONE_SECURE_KEY",
                "ok",
                &id(A),
                &id(B),
                ""
            ],
        ]
    );
}

/// Labels that would end a cell, start a row, make a link, an image, HTML,
/// code, emphasis or an autolink if printed as typed; each is shown as the
/// terminal shows it (controls and bidi as escapes), in its own cell.
#[test]
fn hostile_labels_cannot_break_the_table() {
    let cases: &[(&str, &str)] = &[
        ("a|b", "a|b"),
        ("|x|y|z|", "|x|y|z|"),
        ("[x](javascript:alert(1))", "[x](javascript:alert(1))"),
        ("![i](x.png)", "![i](x.png)"),
        // (A label holds no `/` or `=`: closing tags are in the error test.)
        ("<script>alert(1)", "<script>alert(1)"),
        ("<img src onerror>", "<img src onerror>"),
        ("<b>bold &amp; &#60;", "<b>bold &amp; &#60;"),
        ("`code` ``two``", "`code` ``two``"),
        ("*em* _em_ **b** ~~del~~", "*em* _em_ **b** ~~del~~"),
        ("www.example.com", "www.example.com"),
        ("https:x a@b.co @someone #1", "https:x a@b.co @someone #1"),
        ("row\n| 1 | 2 |\n|---|", "row\\n| 1 | 2 |\\n|---|"),
        ("cr\rend", "cr\\rend"),
        ("back\\slash\\|", "back\\\\slash\\\\|"),
        ("rtl\u{202e}lmth.exe", "rtl\\u{202e}lmth.exe"),
        ("zero\u{200b}width", "zero\\u{200b}width"),
    ];
    let t = TestEnv::new();
    let mut args = vec![
        "lint".to_owned(),
        "--format".to_owned(),
        "markdown".to_owned(),
    ];
    for (i, (label, _)) in cases.iter().enumerate() {
        let path = t.write(
            &format!("s{i}.json"),
            serde_json::json!({"SECURE_KEY": pair(A, B)}).to_string(),
        );
        args.push(format!("{label}={}", path.display()));
    }
    let run = t.run(&args);
    run.code(0);
    let html = markdown(&run);
    assert_inert(&html);
    let rows = rows(&html);
    assert_eq!(rows.len(), cases.len(), "a row per source:\n{html}");
    for (row, (label, shown)) in rows.iter().zip(cases) {
        assert_eq!(row.len(), 6, "{label:?}: six cells:\n{html}");
        assert_eq!(text_of(&row[0]), *shown, "{label:?}");
        assert!(
            !row[0].contains("<code>") || label.contains('@'),
            "{label:?}"
        );
        assert_eq!(text_of(&row[2]), "ok", "{label:?}: the row's own status");
    }
}

/// A path in an error message holding a link and HTML: the error is one
/// inert paragraph (stdout still holds the document the format promises).
#[test]
fn an_error_is_inert_markdown_too() {
    let t = TestEnv::new();
    let run = t.run([
        "lint",
        "--format",
        "markdown",
        "[x](http://e)<img src=x></script>",
    ]);
    run.code(2);
    let html = markdown(&run);
    assert_inert(&html);
    assert!(
        text_of(&html).contains("cannot read [x](http://e)<img src=x></script>"),
        "{html}"
    );
}

/// The guard holds in Markdown: a label that is a key, values near keys, a
/// key quoted in a name's place: none of it reaches the table.
#[test]
fn no_secret_in_the_markdown_report() {
    let t = TestEnv::new();
    let s1 = t.write(
        "s1.json",
        serde_json::json!({"SECURE_KEY": pair(A, B)}).to_string(),
    );
    let s2 = t.write(
        "s2.env",
        format!("SECURE_KEY={C}x,{}\nOTHER_SECURE_KEY={D}\n", &A[..63]),
    );
    let run = t.run([
        "lint",
        "--format",
        "markdown",
        &format!("{C}={}", s1.display()),
        &format!("x{}y|{}={}", &D[..20], &B[..9], s2.display()),
    ]);
    run.code(1);
    let html = markdown(&run);
    assert_inert(&html);
    assert_eq!(rows(&html).len(), 3, "{html}");
}
