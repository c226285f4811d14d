//! The native driver: runs the scenario sequence of `bench/run.mjs` over the same `Bench`
//! methods, timing each step with `Instant`, and prints one JSON line per step for `run.mjs` to
//! tabulate. CPU time is the thread's CPU clock (`CLOCK_THREAD_CPUTIME_ID`, Linux), so it stays
//! meaningful on a loaded machine where wall time does not.

use std::time::Instant;

use kubeplay_bench::Bench;

fn step(name: &str, f: impl FnOnce() -> String) {
    let cpu0 = cpu_ns();
    let start = Instant::now();
    let result = f();
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    let cpu = match (cpu0, cpu_ns()) {
        (Some(a), Some(b)) => format!("{:.3}", (b - a) as f64 / 1e6),
        _ => "null".to_string(),
    };
    println!(r#"{{"step":"{name}","wall_ms":{ms:.3},"cpu_ms":{cpu},"result":{result}}}"#);
}

/// This thread's CPU time in ns; `None` off 64-bit Linux.
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
fn cpu_ns() -> Option<u64> {
    #[repr(C)]
    struct Timespec {
        tv_sec: i64,
        tv_nsec: i64,
    }
    extern "C" {
        fn clock_gettime(clock: i32, tp: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut t = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid, writable timespec with the C layout of 64-bit Linux.
    let rc = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut t) };
    (rc == 0).then(|| t.tv_sec as u64 * 1_000_000_000 + t.tv_nsec as u64)
}

#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
fn cpu_ns() -> Option<u64> {
    None
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `--only s6 [N]`: only the apply benchmark, with N Deployments (default 1,000), for
    // profiling (e.g. under callgrind with N = 200, whose instruction counts are steady where
    // wall time on a shared machine is not).
    if args.first().map(String::as_str) == Some("--only") {
        if args.get(1).map(String::as_str) == Some("s6") {
            let n = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(1000);
            apply_many(n);
        }
        return;
    }
    let arg = args.first().cloned();
    // `init-loop`: only scenario 1, 200 times over, for profiling cluster start-up.
    if arg.as_deref() == Some("init-loop") {
        step("s1_init_x200", || {
            let mut last = String::new();
            for seed in 0..200 {
                last = Bench::new(seed).init_report();
            }
            last
        });
        return;
    }
    let requests: u32 = arg.and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let mut b = None;
    step("s1_init", || {
        let mut fresh = Bench::new(1);
        let r = fresh.init_report();
        b = Some(fresh);
        r
    });
    let Some(mut b) = b else { return };
    step("s2_deploy", || b.deploy());
    step("s3_exec", || b.requests_exec(requests));
    step("s3_tools", || b.requests_tools(requests, "http://web/"));
    b.add_workers(2);
    step("s4_scale100", || b.scale(100));
    step("s4_scale300", || b.scale(300));

    // Warm: the same work again on a second cluster in the process.
    let mut m = None;
    step("s1_init_warm", || {
        let mut fresh = Bench::new(2);
        let r = fresh.init_report();
        m = Some(fresh);
        r
    });
    let Some(mut m) = m else { return };
    m.add_workers(2);
    step("s2_deploy_warm", || m.deploy());
    step("s4_services100", || m.many_services(100));

    let mut f = Bench::new(3);
    f.deploy();
    for total in [10, 100, 1000] {
        f.grow_services(total);
        step(&format!("flat_exec_{total}"), || f.requests_exec(1000));
        step(&format!("flat_tools_{total}"), || {
            f.requests_tools(1000, "http://web/")
        });
    }

    apply_many(1000);
}

/// The cluster issue's benchmark: one manifest of `n` Deployments × 3 replicas and `n` Services
/// through `kubectl apply`, until every Service has 3 ready endpoints and answers. 3,000 pods
/// need 28 workers at 110 pods each.
fn apply_many(n: u32) {
    let mut big = Bench::new(4);
    big.add_workers((n * 3).div_ceil(110).max(2) as u8);
    big.deploy();
    step(&format!("s6_apply_{n}"), || big.many_services(n));
}
