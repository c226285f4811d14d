//! Every built-in lesson, replayed: each step's checks fail before its solution runs and pass
//! after it, for several seeds (kube-proxy's random choices and pod names differ per seed).

use kubeplay_core::lesson::{self, verify};

const SEEDS: &[u64] = &[0, 1, 7, 42];

#[test]
fn every_builtin_lesson_parses() {
    for src in lesson::BUILTIN_SOURCES {
        if let Err(e) = lesson::parse(src) {
            panic!("{e}\n{}", src.lines().next().unwrap_or_default());
        }
    }
    let ids: Vec<String> = lesson::builtins().into_iter().map(|l| l.id).collect();
    assert_eq!(
        ids,
        [
            "clusterip",
            "statefulset",
            "nodeport",
            "loadbalancer",
            "externalname",
            "bluegreen",
            "networkpolicy",
            "namespaces"
        ]
    );
}

#[test]
fn every_builtin_lesson_is_solved_by_its_solution_and_checks_can_fail() {
    let mut failures = Vec::new();
    for l in lesson::builtins() {
        for &seed in SEEDS {
            let reports = verify::verify(&l, seed);
            if reports.iter().any(|r| !r.ok()) {
                let mut text = verify::render(&l, &reports);
                for r in reports.iter().filter(|r| !r.ok()) {
                    text.push_str(&format!("--- output of {}:\n{}", r.title, r.output));
                }
                failures.push(format!("seed {seed}:\n{text}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Each check kind, on a fresh cluster, fails with a message a learner can act on.
#[test]
fn failure_messages_on_a_fresh_cluster() {
    let session = kubeplay_core::Session::new(0);
    let table = [
        (
            "{check: service, name: svc-destination, type: ClusterIP}",
            "Service svc-destination not found in namespace default.",
        ),
        (
            "{check: deployment, name: web, namespace: prod, readyReplicas: 3}",
            "Deployment web not found in namespace prod.",
        ),
        (
            "{check: statefulset, name: web, readyReplicas: 2}",
            "StatefulSet web not found in namespace default.",
        ),
        (
            "{check: service, name: kube-dns, namespace: kube-system, type: NodePort}",
            "Service kube-dns has type ClusterIP; it should be NodePort.",
        ),
        (
            "{check: service, name: kubernetes, port: 80}",
            "Service kubernetes has no port 80.",
        ),
        (
            "{check: service, name: kubernetes, headless: true}",
            "Service kubernetes is not headless: set clusterIP: None.",
        ),
        (
            "{check: endpoints, service: kube-dns, namespace: kube-system, ready: 3}",
            "Service kube-dns has 2 ready endpoint(s), not 3. Its selector is k8s-app=kube-dns: do the pods carry those labels, and are they Ready?",
        ),
        (
            "{check: endpoints, service: kube-dns, namespace: kube-system, podsLabelled: {version: '2.0'}}",
            "not labelled version=2.0.",
        ),
        (
            "{check: dns, name: web-0.nginx}",
            "web-0.nginx does not resolve from a pod in namespace default (NXDOMAIN).",
        ),
        (
            "{check: dns, name: kubernetes, cname: example.com}",
            "kubernetes resolves, but not to a CNAME.",
        ),
        (
            "{check: request, from: {labels: {app: origin}}, to: svc-destination, distinctPods: 2}",
            "No request from a pod labelled app=origin to Service svc-destination yet: send one with curl.",
        ),
        (
            "{check: request, from: {namespace: dev}, to: prod/api, expect: blocked}",
            "No request from a pod in namespace dev to Service prod/api yet: send one with curl.",
        ),
        (
            "{check: network-policy, name: deny-web}",
            "NetworkPolicy deny-web not found in namespace default.",
        ),
        ("{check: namespace, name: prod}", "Namespace prod not found."),
        (
            "{check: file, path: web.yaml}",
            "File web.yaml not found in your home directory.",
        ),
    ];
    for (yaml, want) in table {
        let check: lesson::Check = match serde_yaml::from_str(yaml) {
            Ok(c) => c,
            Err(e) => panic!("{yaml}: {e}"),
        };
        let r = check.run(&session, 0);
        assert!(!r.passed, "{yaml} passed on a fresh cluster");
        assert!(r.message.ends_with(want), "{yaml}: got {:?}", r.message);
    }
}

#[test]
fn unknown_check_fields_are_rejected() {
    let bad = [
        "{check: service, name: x, tpye: ClusterIP}",
        "{check: servcie, name: x}",
        "{check: request, expect: timeout}",
    ];
    for yaml in bad {
        assert!(
            serde_yaml::from_str::<lesson::Check>(yaml).is_err(),
            "{yaml} was accepted"
        );
    }
}

#[test]
fn prepare_brings_a_session_to_a_step() {
    let Some(l) = lesson::builtin("bluegreen") else {
        panic!("bluegreen is built in");
    };
    let mut s = kubeplay_core::Session::new(3);
    lesson::prepare(&mut s, &l, 1);
    let Some(second) = l.step(1) else {
        panic!("bluegreen has two steps");
    };
    let (_, since) = lesson::begin_step(&mut s, second);
    let step1 = l.step(0).map(|st| st.check(&s, 0)).unwrap_or_default();
    assert!(step1.iter().all(|r| r.passed), "{step1:?}");
    let step2 = l.step(1).map(|st| st.check(&s, since)).unwrap_or_default();
    assert!(step2.iter().any(|r| !r.passed));
    // Step 1's curl was made before step 2 began, so step 2's request check does not see it.
    let why = step2.last().map(|r| r.message.clone()).unwrap_or_default();
    assert!(why.contains("since this step began"), "{why}");
    assert!(s.fs.read("/home/learner/kubeanimals-1.yaml").is_some());
}

/// The rule for `request` checks (README "Writing lessons"): only requests made since the step
/// began count, and of those only the ones that went through the Service as it is now. Each
/// row: commands run before the step began, commands run after, the check, and `Ok` or a piece
/// of the message it must fail with. Every row starts from the same scene: Deployments `blue`
/// and `green` (2 pods each), Service `web` selecting `app=blue`, and a `client` pod.
#[test]
fn request_checks_count_only_this_steps_requests_through_the_current_service() {
    const SCENE: &[&str] = &[
        "kubectl create deployment blue --image=r.deso.tech/whoami/whoami --replicas=2",
        "kubectl create deployment green --image=r.deso.tech/whoami/whoami --replicas=2",
        "kubectl expose deployment blue --name web --port 80",
        "kubectl run client --image=r.deso.tech/library/netshoot -- sleep 100000",
        "sleep 15",
    ];
    const CURL: &str = "kubectl exec client -- curl -s -m 3 web";
    const FLIP: &str = r#"kubectl patch svc web -p '{"spec":{"selector":{"app":"green"}}}'"#;
    const TO_WEB: &str = "{check: request, from: {labels: {run: client}}, to: web}";
    const TO_GREEN: &str =
        "{check: request, from: {labels: {run: client}}, to: web, podsLabelled: {app: green}}";
    const TWO_PODS: &str =
        "{check: request, from: {labels: {run: client}}, to: web, distinctPods: 2}";
    /// (what, before the step began, after, check, verdict)
    type Row<'a> = (
        &'a str,
        &'a [&'a str],
        &'a [&'a str],
        &'a str,
        Result<(), &'a str>,
    );
    let table: &[Row] = &[
        (
            "no request at all",
            &[],
            &[],
            TO_WEB,
            Err("No request from a pod labelled run=client to Service web yet: send one with curl."),
        ),
        (
            "a request before the step began does not count",
            &[CURL],
            &[],
            TO_WEB,
            Err("No request from a pod labelled run=client to Service web since this step began: send one with curl."),
        ),
        ("a request in this step counts", &[CURL], &[CURL], TO_WEB, Ok(())),
        (
            "a request before the selector flip is stale",
            &[],
            &[CURL, FLIP],
            TO_WEB,
            Err("Service default/web has changed since the latest request from a pod labelled run=client to Service web (curl -s -m 3 web); send another with curl to see what it does now."),
        ),
        (
            "after the flip, the request after it is judged",
            &[],
            &[CURL, FLIP, CURL],
            TO_GREEN,
            Ok(()),
        ),
        (
            "without a request after the flip, green was never reached",
            &[CURL, FLIP],
            &[],
            TO_GREEN,
            Err("since this step began"),
        ),
        (
            "distinct pods: blue pods reached before the flip do not count",
            &[],
            &[CURL, CURL, CURL, CURL, CURL, CURL, FLIP, CURL],
            TWO_PODS,
            Err("reached 1 different pod(s) (green-"),
        ),
        (
            "distinct pods: earlier steps' requests do not count",
            &[CURL, CURL, CURL, CURL, CURL, CURL],
            &[CURL],
            TWO_PODS,
            Err("reached 1 different pod(s) (blue-"),
        ),
        (
            "distinct pods: enough requests in this step",
            &[],
            &[CURL, CURL, CURL, CURL, CURL, CURL, CURL, CURL],
            TWO_PODS,
            Ok(()),
        ),
        (
            "a label on the Service is not a change to how it routes",
            &[],
            &[CURL, "kubectl label svc web tier=frontend"],
            TO_WEB,
            Ok(()),
        ),
        (
            "a Service deleted and created again is a new Service",
            &[],
            &[
                CURL,
                "kubectl delete svc web",
                "kubectl expose deployment blue --name web --port 80",
            ],
            TO_WEB,
            Err("Service default/web has changed since the latest request"),
        ),
    ];
    let mut failures = Vec::new();
    for (what, before, after, yaml, want) in table {
        let check: lesson::Check = match serde_yaml::from_str(yaml) {
            Ok(c) => c,
            Err(e) => panic!("{yaml}: {e}"),
        };
        let mut s = kubeplay_core::Session::new(5);
        let mut out = lesson::feed_lines(&mut s, SCENE);
        out.push_str(&lesson::feed_lines(&mut s, before));
        let since = s.cluster.net.requests.mark();
        out.push_str(&lesson::feed_lines(&mut s, after));
        let got = check.run(&s, since);
        let ok = match want {
            Ok(()) => got.passed,
            Err(msg) => !got.passed && got.message.contains(msg),
        };
        if !ok {
            failures.push(format!(
                "{what}: want {want:?}, got passed={} {:?}\n{out}",
                got.passed, got.message
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_request_log_numbers_requests_past_its_capacity() {
    let mut s = kubeplay_core::Session::new(0);
    let lines = vec!["curl -s -m 1 10.96.0.1:443"; 3];
    lesson::feed_lines(&mut s, &lines);
    let log = &s.cluster.net.requests;
    assert_eq!(log.mark(), 3);
    let seqs: Vec<u64> = log.since(1).map(|r| r.seq).collect();
    assert_eq!(seqs, [2, 3]);
}
