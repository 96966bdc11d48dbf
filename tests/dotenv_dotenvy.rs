//! Differential test: on inputs dotenvy accepts, our span-keeping parser reads the same values.

use keylint::facts::ValueSource;

#[test]
fn values_agree_with_dotenvy() {
    let inputs = [
        "A=b\n",
        "export A=b # comment\n",
        "A='single quoted '\n",
        "A=\"double \\\"escaped\\\" \\n newline\"\n",
        "A=b#not-a-comment\n",
        "A=\"multi\nline\"\n",
        "A=\n",
        "A=  padded\n",
        "A='a'\nB=\"b\"\nC=c\n",
        "\n# only comment\nA=1\r\n",
    ];
    for input in inputs {
        let theirs: Vec<(String, String)> = dotenvy::from_read_iter(input.as_bytes())
            .map(|r| r.expect("dotenvy accepts"))
            .collect();
        let ours = keylint::parse::dotenv::parse(input);
        assert!(
            ours.parse_issues.is_empty(),
            "{input:?}: {:?}",
            ours.parse_issues
        );
        let ours: Vec<(String, String)> = ours
            .assignments
            .iter()
            .filter(|a| a.source == ValueSource::Literal)
            .map(|a| (a.name.clone(), a.value.expose().to_string()))
            .collect();
        assert_eq!(ours, theirs, "{input:?}");
    }
}
