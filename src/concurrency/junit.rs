//! Concurrency reports as JUnit XML: one test suite per run, one test case per check.

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::report::RunReport;

pub fn to_xml(reports: &[RunReport]) -> Result<String, quick_junit::SerializeError> {
    let mut out = Report::new("waybill-concurrency");
    for r in reports {
        let mut suite = TestSuite::new(r.scenario_title());
        for c in &r.checks {
            let status = if !c.meaningful {
                let mut s = TestCaseStatus::skipped();
                s.set_message(c.detail.clone());
                s
            } else if c.passed {
                TestCaseStatus::success()
            } else {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                s.set_message(c.detail.clone());
                s.set_description(c.evidence.join("\n"));
                s
            };
            let mut case = TestCase::new(c.name.clone(), status);
            case.set_classname(format!("waybill.concurrency.{}", r.scenario_title()));
            suite.add_test_case(case);
        }
        out.add_test_suite(suite);
    }
    out.to_string()
}
