//! An integrity report as JUnit XML: one test case per kind of damage, failed
//! with its findings listed; information kinds pass with their count noted.

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::IntegrityReport;

pub fn to_xml(report: &IntegrityReport) -> Result<String, quick_junit::SerializeError> {
    let mut out = Report::new("waybill-integrity");
    let mut suite = TestSuite::new(format!("integrity of {}", report.scope));
    for c in &report.counts {
        let status = if let Some(why) = &c.not_checked {
            let mut s = TestCaseStatus::skipped();
            s.set_message(format!("not checked: {why}"));
            s
        } else if c.problem && c.count > 0 {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(format!("{} found", c.count));
            let lines: Vec<String> = report
                .findings
                .iter()
                .filter(|f| f.kind == c.kind)
                .map(|f| format!("{}: {}", f.shipment_reference.as_deref().unwrap_or("?"), f.evidence))
                .collect();
            s.set_description(lines.join("\n"));
            s
        } else {
            TestCaseStatus::success()
        };
        let mut case = TestCase::new(c.label.clone(), status);
        case.set_classname(format!("waybill.integrity.{}", c.kind.code()));
        if !c.problem && c.count > 0 {
            case.set_system_out(format!("{} (information, not damage)", c.count));
        }
        suite.add_test_case(case);
    }
    out.add_test_suite(suite);
    out.to_string()
}
