//! `.gitignore` semantics of the walk (what decides "committed"): the nearest file with a say
//! wins, `!` re-includes, and nothing inside an excluded folder can be re-included.

use keylint::walk::GitignoreChain;
use std::path::Path;

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

#[test]
fn nearest_gitignore_decides_and_excluded_folders_stay_excluded() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().canonicalize().expect("canon");
    write(&root, ".gitignore", "build/\n*.log\n.env*\n!.env.example\n");
    write(&root, "sub/.gitignore", "!keep.log\nlocal/\n");
    let chain = GitignoreChain::new(root.clone(), root.clone());
    let mut cache = None;
    let cases = [
        (".env", false, true),
        (".env.example", false, false),
        ("a.log", false, true),
        ("sub/keep.log", false, false),
        ("sub/other.log", false, true),
        ("build", true, true),
        ("build/x.txt", false, true),
        ("build/.env.example", false, true),
        ("sub/local", true, true),
        ("sub/local/.env.example", false, true),
        ("sub/deep/.env.example", false, false),
        ("sub/deep/.env.local", false, true),
        ("src/app.ts", false, false),
    ];
    for (rel, is_dir, ignored) in cases {
        let p = root.join(rel);
        assert_eq!(chain.is_ignored(&p, is_dir), ignored, "{rel}");
        // the per-worker folder cache gives the same answers in any order
        assert_eq!(
            chain.is_ignored_cached(&p, is_dir, &mut cache),
            ignored,
            "{rel} (cached)"
        );
    }
}
