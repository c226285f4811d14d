//! The JSONPath table: every row of reference §4.8 (client-go's `jsonpath_test.go` cases) plus
//! the negative-index and step cases. Fixtures are JSON, as kubectl's unstructured objects are:
//! where upstream's fixture is a Go struct (field order) our maps print keys sorted, which is what
//! kubectl prints for real objects; those rows say so.

use serde_json::{json, Value};

use super::parse;

fn store() -> Value {
    json!({
        "Name": "jsonpath",
        "Book": [
            {"Category": "reference", "Author": "Nigel Rees", "Title": "Sayings of the Centurey", "Price": 8.95},
            {"Category": "fiction", "Author": "Evelyn Waugh", "Title": "Sword of Honour", "Price": 12.99},
            {"Category": "fiction", "Author": "Herman Melville", "Title": "Moby Dick", "Price": 8.99}
        ],
        "Bicycle": [
            {"Color": "red", "Price": 19.95, "IsNew": true},
            {"Color": "green", "Price": 20.01, "IsNew": false}
        ],
        "Labels": {"engieer": 10, "web/html": 15, "k8s-app": 20},
        "Employees": {"jason": "manager", "dan": "clerk"}
    })
}

fn nodes() -> Value {
    json!({
        "kind": "List",
        "items": [
            {"kind": "None", "metadata": {"name": "127.0.0.1", "labels": {"kubernetes.io/hostname": "127.0.0.1"}},
             "status": {"capacity": {"cpu": "4"}, "ready": true,
                        "addresses": [{"type": "LegacyHostIP", "address": "127.0.0.1"}]}},
            {"kind": "None", "metadata": {"name": "127.0.0.2", "labels": {"kubernetes.io/hostname": "127.0.0.2"}},
             "status": {"capacity": {"cpu": "8"}, "ready": false,
                        "addresses": [{"type": "LegacyHostIP", "address": "127.0.0.2"},
                                      {"type": "another", "address": "127.0.0.3"}]}}
        ],
        "users": [
            {"name": "myself", "user": {}},
            {"name": "e2e", "user": {"username": "admin", "password": "secret"}}
        ]
    })
}

fn containers(n: usize) -> Value {
    let list: Vec<Value> = (0..n)
        .map(|i| json!({"image": "radial/busyboxplus:curl", "name": format!("fake{i}")}))
        .collect();
    json!({"apiVersion": "v1", "kind": "Pod", "spec": {"containers": list}})
}

fn types() -> Value {
    json!({
        "integers": [1, 2, 3, 4],
        "strings": ["one", "two", "three", "four"],
        "bools": [true, false, true, false],
        "floats": [1.0, 2.2, 3.3, 4.0]
    })
}

/// Which fixture a row runs over.
#[derive(Clone, Copy)]
enum F {
    None,
    S,
    N,
    C4,
    C6,
    T,
    Lit(&'static str),
}

fn fixture(f: F) -> Value {
    match f {
        F::None => Value::Null,
        F::S => store(),
        F::N => nodes(),
        F::C4 => containers(4),
        F::C6 => containers(6),
        F::T => types(),
        F::Lit(s) => serde_json::from_str(s).unwrap_or(Value::Null),
    }
}

/// `Ok(output)` or `Err(message)`; the bool is allow-missing-keys.
type Row = (
    &'static str,
    &'static str,
    F,
    bool,
    Result<&'static str, &'static str>,
);

const ROWS: &[Row] = &[
    ("1", "hello jsonpath", F::None, false, Ok("hello jsonpath")),
    ("2", "hello {.Name}", F::S, false, Ok("hello jsonpath")),
    ("3a", "{.Labels.k8s-app}", F::S, false, Ok("20")),
    ("3b", "{$.Labels.web/html}", F::S, false, Ok("15")),
    ("3c", "{$.Employees.jason}", F::S, false, Ok("manager")),
    ("4", "{.Bicycle[*].Color}", F::S, false, Ok("red green")),
    (
        "5",
        "{.Book[*].Author}",
        F::S,
        false,
        Ok("Nigel Rees Evelyn Waugh Herman Melville"),
    ),
    // Upstream (struct field order): "8.95 12.99 8.99 19.95 20.01"; maps visit keys sorted.
    (
        "6",
        "{..Price}",
        F::S,
        false,
        Ok("19.95 20.01 8.95 12.99 8.99"),
    ),
    (
        "6b",
        "{...Price}",
        F::S,
        false,
        Ok("19.95 20.01 8.95 12.99 8.99"),
    ),
    // Upstream (struct order): {"Color":"red","Price":19.95,"IsNew":true}.
    (
        "7",
        "{.Bicycle[?(@.IsNew==true)]}",
        F::S,
        false,
        Ok(r#"{"Color":"red","IsNew":true,"Price":19.95}"#),
    ),
    // Upstream (struct order): "{red 19.95 true} {green 20.01 false} ".
    (
        "8",
        r#"{range .Bicycle[*]}{ "{" }{ @.* }{ "} " }{end}"#,
        F::S,
        false,
        Ok("{red true 19.95} {green false 20.01} "),
    ),
    (
        "9",
        "{.Book[-1:]}",
        F::S,
        false,
        Ok(r#"{"Author":"Herman Melville","Category":"fiction","Price":8.99,"Title":"Moby Dick"}"#),
    ),
    ("9b", "{..Book[2].Title}", F::S, false, Ok("Moby Dick")),
    ("10", "{[?(@<5)]}", F::Lit("[2,6,3,7]"), false, Ok("2 3")),
    ("11", "{[1,3,4]}", F::Lit("[0,1,2,3,4]"), false, Ok("1 3 4")),
    (
        "11b",
        "{[0:2]}",
        F::Lit(r#"["Monday","Tudesday"]"#),
        false,
        Ok("Monday Tudesday"),
    ),
    ("11c", "{..}", F::Lit("[1,2,3]"), false, Ok("[1,2,3]")),
    ("12", r#"{"{"}"#, F::None, false, Ok("{")),
    ("13a", "{ .integers }", F::T, false, Ok("[1,2,3,4]")),
    (
        "13b",
        "{ .strings }",
        F::T,
        false,
        Ok(r#"["one","two","three","four"]"#),
    ),
    ("13c", "{ .bools[-1] }", F::T, false, Ok("false")),
    ("13d", "{ .floats }", F::T, false, Ok("[1,2.2,3.3,4]")),
    ("13e", "{ .floats[-2] }", F::T, false, Ok("3.3")),
    ("14a", "{ .integers[-2] }", F::T, false, Ok("3")),
    ("14b", "{ .integers[:4:2] }", F::T, false, Ok("1 3")),
    ("14c", "{ .strings[0:2] }", F::T, false, Ok("one two")),
    ("14d", "{ .strings[:4:2] }", F::T, false, Ok("one three")),
    (
        "15",
        "{range .items[*]}{.metadata.name}, {end}{.kind}",
        F::N,
        false,
        Ok("127.0.0.1, 127.0.0.2, List"),
    ),
    (
        "16",
        r#"{range .items[*]}{.metadata.name}{"\t"}{end}"#,
        F::N,
        false,
        Ok("127.0.0.1\t127.0.0.2\t"),
    ),
    (
        "17",
        "{.items[*].status.addresses[*].address}",
        F::N,
        false,
        Ok("127.0.0.1 127.0.0.2 127.0.0.3"),
    ),
    (
        "17b",
        "{range .items[*]}{range .status.addresses[*]}{.address}, {end}{end}",
        F::N,
        false,
        Ok("127.0.0.1, 127.0.0.2, 127.0.0.3, "),
    ),
    (
        "17c",
        "{range .items[*]}[{.metadata.name}, {.status.capacity}] {end}",
        F::N,
        false,
        Ok(r#"[127.0.0.1, {"cpu":"4"}] [127.0.0.2, {"cpu":"8"}] "#),
    ),
    (
        "18",
        "{.items[*]['metadata.name', 'status.capacity']}",
        F::N,
        false,
        Ok(r#"127.0.0.1 127.0.0.2 {"cpu":"4"} {"cpu":"8"}"#),
    ),
    (
        "19",
        r#"{.users[?(@.name=="e2e")].user.password}"#,
        F::N,
        false,
        Ok("secret"),
    ),
    (
        "20",
        r"{.items[0].metadata.labels.kubernetes\.io/hostname}",
        F::N,
        false,
        Ok("127.0.0.1"),
    ),
    (
        "20b",
        r#"{.items[?(@.metadata.labels.kubernetes\.io/hostname=="127.0.0.1")].kind}"#,
        F::N,
        false,
        Ok("None"),
    ),
    (
        "21",
        "{.items[?(@..ready==true)].metadata.name}",
        F::N,
        false,
        Ok("127.0.0.1"),
    ),
    (
        "22a",
        "{.spec.containers[0:-1].name}",
        F::C4,
        false,
        Ok("fake0 fake1 fake2"),
    ),
    (
        "22b",
        "{.spec.containers[-2:].name}",
        F::C4,
        false,
        Ok("fake2 fake3"),
    ),
    (
        "22c",
        "{.spec.containers[-1].name}",
        F::C4,
        false,
        Ok("fake3"),
    ),
    (
        "22d",
        "{.spec.containers[-4:].name}",
        F::C4,
        false,
        Ok("fake0 fake1 fake2 fake3"),
    ),
    ("22e", "{.spec.containers[0:0].name}", F::C4, false, Ok("")),
    ("22f", "{.spec.containers[5:5].name}", F::C4, false, Ok("")),
    (
        "22g",
        "{.spec.containers[-5:-5].name}",
        F::C4,
        false,
        Ok(""),
    ),
    (
        "23a",
        "{.spec.containers[-5].name}",
        F::C4,
        false,
        Err("array index out of bounds: index -1, length 4"),
    ),
    (
        "23b",
        "{.spec.containers[3:1].name}",
        F::C4,
        false,
        Err("starting index 3 is greater than ending index 1"),
    ),
    (
        "23c",
        "{.spec.containers[-1:0].name}",
        F::C4,
        false,
        Err("starting index 3 is greater than ending index 0"),
    ),
    (
        "23d",
        "{.spec.containers[-1:-2].name}",
        F::C4,
        false,
        Err("starting index 3 is greater than ending index 2"),
    ),
    (
        "step1",
        "{.spec.containers[0:6:].name}",
        F::C6,
        false,
        Ok("fake0 fake1 fake2 fake3 fake4 fake5"),
    ),
    (
        "step2",
        "{.spec.containers[1:4:2].name}",
        F::C6,
        false,
        Ok("fake1 fake3"),
    ),
    (
        "step3",
        "{.spec.containers[0:6:5].name}",
        F::C6,
        false,
        Ok("fake0 fake5"),
    ),
    (
        "step4",
        "{.spec.containers[0:6:0].name}",
        F::C6,
        false,
        Err("step must be > 0"),
    ),
    (
        "step5",
        "{.spec.containers[0:6:-1].name}",
        F::C6,
        false,
        Err("step must be > 0"),
    ),
    (
        "24",
        "{range .items[*]}{.metadata.name}{end}",
        F::Lit(r#"{"items":[]}"#),
        true,
        Ok(""),
    ),
    (
        "25a",
        "before-{.hello}after",
        F::S,
        true,
        Ok("before-after"),
    ),
    ("25b", "{.hello}", F::S, false, Err("hello is not found")),
    (
        "26a",
        "{hello}",
        F::S,
        false,
        Err("unrecognized identifier hello"),
    ),
    // Upstream names the Go type of its fixture (map[string]int).
    (
        "26b",
        "{.Labels[0]}",
        F::S,
        false,
        Err("map[string]interface {} is not array or slice"),
    ),
    (
        "26c",
        "{range .Labels.*}{@}{end}{end}",
        F::S,
        false,
        Err("not in range, nothing to end"),
    ),
    (
        "26d",
        "{.Book[?(@.Price<>10)]}",
        F::S,
        false,
        Err("unrecognized filter operator <>"),
    ),
    (
        "exists",
        "{[?(@.z)].id}",
        F::Lit(r#"[{"id":"i1","x":4},{"id":"i2","z":1},{"id":"i5","z":1}]"#),
        false,
        Ok("i2 i5"),
    ),
    (
        "bracket key",
        "{[0]['id']}",
        F::Lit(r#"[{"id":"i1"}]"#),
        false,
        Ok("i1"),
    ),
    (
        "partial filter",
        r#"{.items[?(@.metadata.annotations.color=="blue")].metadata.name}"#,
        F::Lit(
            r#"{"items":[{"metadata":{"name":"pod1","annotations":{"color":"blue"}}},{"metadata":{"name":"pod2"}},{"metadata":{"name":"pod4","annotations":{"color":"blue"}}}]}"#,
        ),
        true,
        Ok("pod1 pod4"),
    ),
    (
        "partial filter strict",
        r#"{.items[?(@.metadata.annotations.color=="blue")].metadata.name}"#,
        F::Lit(
            r#"{"items":[{"metadata":{"name":"pod1","annotations":{"color":"blue"}}},{"metadata":{"name":"pod2"}}]}"#,
        ),
        false,
        Err("annotations is not found"),
    ),
    (
        "nested ranges",
        r#"{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}"#,
        F::Lit(
            r#"{"items":[{"metadata":{"name":"pod1"},"spec":{"containers":[{"name":"foo"},{"name":"bar"}]}},{"metadata":{"name":"pod2"},"spec":{"containers":[{"name":"baz"}]}}]}"#,
        ),
        false,
        Ok("pod1:foo,bar,+pod2:baz,+"),
    ),
    (
        "kubectl idiom",
        r#"{.status.loadBalancer.ingress[0].ip}{"\n"}"#,
        F::Lit(r#"{"status":{"loadBalancer":{"ingress":[{"ip":"10.10.99.100"}]}}}"#),
        true,
        Ok("10.10.99.100\n"),
    ),
    ("unclosed", "{.a", F::S, true, Err("unclosed action")),
    (
        "unterminated array",
        "{.a[0}",
        F::S,
        true,
        Err("unterminated array"),
    ),
    (
        "html escape",
        "{.m}",
        F::Lit(r#"{"m":{"k":"a<b&c"}}"#),
        true,
        Ok(r#"{"k":"a\u003cb\u0026c"}"#),
    ),
    (
        "float print",
        "{.a} {.b} {.c}",
        F::Lit(r#"{"a":1000000.0,"b":0.5,"c":8}"#),
        true,
        Ok("1e+06 0.5 8"),
    ),
];

#[test]
fn jsonpath_table() {
    let mut failures = Vec::new();
    for (name, template, f, allow, want) in ROWS {
        let got = parse(template).and_then(|t| t.execute(&fixture(*f), *allow));
        let want = want.map(String::from).map_err(String::from);
        if got != want {
            failures.push(format!(
                "row {name}: {template}\n  want {want:?}\n  got  {got:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn kubectl_framing() {
    let svc = json!({"kind": "Service", "spec": {"clusterIP": "10.96.0.1", "ports": [{"port": 443}]}, "x": null});
    let table: &[(&str, Result<&str, &str>)] = &[
        ("{.spec.clusterIP}", Ok("10.96.0.1")),
        ("{.spec.ports[0].port}{\"\\n\"}", Ok("443\n")),
        ("{.spec.nope}", Ok("")),
        ("{.a", Err("error parsing jsonpath {.a, unclosed action\n")),
        (
            "{.spec.ports[3]}",
            Err("error executing jsonpath \"{.spec.ports[3]}\": Error executing template: array index out of bounds: index 3, length 1. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.spec.ports[3]}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{\"kind\":\"Service\", \"spec\":map[string]interface {}{\"clusterIP\":\"10.96.0.1\", \"ports\":[]interface {}{map[string]interface {}{\"port\":443}}}, \"x\":interface {}(nil)}\n\n\n"),
        ),
    ];
    for (template, want) in table {
        let got = super::kubectl_output(template, &svc, true);
        assert_eq!(
            got,
            want.map(String::from).map_err(String::from),
            "{template}"
        );
    }
}

#[test]
fn custom_columns_cells() {
    let pod = json!({"metadata": {"name": "web", "labels": {"app": "web", "tier": "fe"}},
                     "spec": {"containers": [{"name": "a", "image": "nginx"}, {"name": "b", "image": "busybox"}]},
                     "status": {"podIP": "10.0.0.5"}});
    let table: &[(&str, Result<&str, &str>)] = &[
        ("metadata.name", Ok("web")),
        (".status.podIP", Ok("10.0.0.5")),
        ("{.spec.containers[*].image}", Ok("nginx,busybox")),
        ("{metadata.labels}", Ok("map[app:web tier:fe]")),
        (".spec.nodeName", Ok("<none>")),
        (".spec.containers[*]", Ok("map[image:nginx name:a],map[image:busybox name:b]")),
        ("{.a}{.b}", Err("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'")),
    ];
    for (expr, want) in table {
        let got = super::custom_column(expr, &pod);
        assert_eq!(got, want.map(String::from).map_err(String::from), "{expr}");
    }
}

#[test]
fn hostile_templates_are_errors_not_crashes() {
    let deep_range = "{range .a}".repeat(10_000);
    let deep_union = format!("{{{}}}", "[".repeat(5_000));
    let deep_filter = format!("{{{}}}", "[?(@".repeat(2_000));
    for t in [
        deep_range.as_str(),
        deep_union.as_str(),
        deep_filter.as_str(),
        "{",
        "{[",
        "{[?(",
        "{\"",
        "{..}..",
        "{.a[1:2:3:4]}",
        "{.Book[9223372036854775807]}",
        "{.Book[-9223372036854775808]}",
        "{.Book[-9223372036854775808:9223372036854775807]}",
    ] {
        let _ = parse(t).and_then(|p| p.execute(&store(), false));
    }
    assert!(parse(&deep_range).is_err());
}

#[test]
fn random_templates_never_panic() {
    let alphabet: Vec<char> = "{}[]().,:*?@$'\"\\=<>!~-+0123 abcBookPrice\n"
        .chars()
        .collect();
    let mut rng = crate::sim::Pcg32::new(11, 3);
    let data = store();
    for _ in 0..20_000 {
        let len = rng.below(24) as usize;
        let t: String = (0..len)
            .map(|_| alphabet[rng.index(alphabet.len())])
            .collect();
        let _ = parse(&t).and_then(|p| p.execute(&data, rng.below(2) == 0));
        let _ = super::custom_column(&t, &data);
    }
}
