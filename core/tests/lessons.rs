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
        let r = check.run(&session);
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
    let step1 = l.step(0).map(|st| st.check(&s)).unwrap_or_default();
    assert!(step1.iter().all(|r| r.passed), "{step1:?}");
    let step2 = l.step(1).map(|st| st.check(&s)).unwrap_or_default();
    assert!(step2.iter().any(|r| !r.passed));
    assert!(s.fs.read("/home/learner/kubeanimals-1.yaml").is_some());
}
