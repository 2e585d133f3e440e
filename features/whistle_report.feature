# language: en
Feature: 吹哨报到 — a problem found by a grid worker, handled in the community or whistled to the departments
  Seed 004 §一(二)(三), §二(二): 问题排查、平台受理、分析研判、分流交办、评价反馈; 小事不出社区、大事不出街道;
  the street 吹哨 to the departments concerned, each 报到 in parallel, and the street evaluates them.
  The seed states no time limit for any stage: the stage limits in the model are process-owner defaults.

  Background:
    Given user "grid_a1" starts a "whistle_report" case with:
      """
      {"subject_org": "community_a1", "problem_title": "3号楼楼道堆放杂物堵塞消防通道", "category": "safety",
       "source": "resident", "resident_name": "王阿姨", "resident_phone": "13800000000",
       "location": "和平社区3号楼2单元", "found_on": "2026-11-30", "description": "楼道内堆放纸箱和旧家具，堵塞消防通道"}
      """

  Scenario: 不予受理 — the platform refuses a report that is not its business
    Then the case has open tasks "accept_problem"
    And user "community_b1" is refused with 403 when completing task "accept_problem" with:
      """
      {"accept_decision": "accept"}
      """
    And user "community_a1" is refused with 422 at "reject_reason" when completing task "accept_problem" with:
      """
      {"accept_decision": "reject"}
      """
    When user "community_a1" completes task "accept_problem" with:
      """
      {"accept_decision": "reject", "reject_reason": "与已受理的问题重复"}
      """
    Then the case is completed at end event "不予受理"

  Scenario: 当场解决 — the grid worker solved it on the spot; the resident is satisfied
    When user "community_a1" completes task "accept_problem" with:
      """
      {"accept_decision": "accept"}
      """
    And user "community_a1" completes task "analyse" with:
      """
      {"handling_level": "on_spot", "analysis": "楼道杂物，网格员可当场协调清理", "on_spot_result": "已协调住户当场清理"}
      """
    Then the case has open tasks "feedback_resident"
    And user "grid_a1" is refused with 422 at "feedback_on" when completing task "feedback_resident" with:
      """
      {"feedback_method": "visit", "feedback_on": "2026-11-29", "feedback_content": "杂物已清理",
       "resident_satisfaction": "satisfied"}
      """
    When user "grid_a1" completes task "feedback_resident" with:
      """
      {"feedback_method": "visit", "feedback_on": "2026-12-01", "feedback_content": "杂物已清理",
       "resident_satisfaction": "satisfied"}
      """
    Then the case is completed at end event "已办结"

  Scenario: 小事不出社区 — the community holds a consultation meeting (its minutes required) and solves it
    When user "community_a1" completes task "accept_problem" with papers:
      """
      {"accept_decision": "accept", "site_photos": ["@file:现场照片.pdf"]}
      """
    And user "community_a1" completes task "analyse" with:
      """
      {"handling_level": "community", "analysis": "涉及多户住户，需议事协商"}
      """
    Then user "community_a1" is refused with 422 at "meeting_minutes" when completing task "community_handle" with:
      """
      {"handling_method": "consultation", "handling_description": "召集楼门栋长和住户代表协商", "handling_result": "resolved"}
      """
    When user "community_a1" completes task "community_handle" with papers:
      """
      {"handling_method": "consultation", "meeting_minutes": "@file:议事协商会议纪要.pdf",
       "handling_description": "协商确定清理时间，住户自行清理", "handling_result": "resolved"}
      """
    Then the case has open tasks "feedback_resident"
    When user "grid_a1" completes task "feedback_resident" with:
      """
      {"feedback_method": "phone", "feedback_on": "2026-12-02", "feedback_content": "已协商清理完毕",
       "resident_satisfaction": "basically"}
      """
    Then the case is completed at end event "已办结"

  Scenario: 吹哨报到 — the community cannot solve it, the street whistles two departments, both report in parallel
    When user "community_a1" completes task "accept_problem" with:
      """
      {"accept_decision": "accept"}
      """
    And user "community_a1" completes task "analyse" with:
      """
      {"handling_level": "community", "analysis": "先由社区协调物业"}
      """
    And user "community_a1" completes task "community_handle" with:
      """
      {"handling_method": "coordinate_units", "handling_description": "物业无权处置违规堆放",
       "handling_result": "escalate", "community_escalation_reason": "需综合执法和住建部门依法处置"}
      """
    Then the case has open tasks "street_dispatch"
    And user "street_b" is refused with 403 when completing task "street_dispatch" with:
      """
      {"dispatch_decision": "return_community", "return_reason": "非本街道"}
      """
    And user "street_a" is refused with 422 at "departments" when completing task "street_dispatch" with:
      """
      {"dispatch_decision": "whistle", "linkage_mechanism": "joint_enforcement", "whistle_notice": "依法清理"}
      """
    And user "street_a" is refused with 422 at "departments/0" when completing task "street_dispatch" with:
      """
      {"dispatch_decision": "whistle", "linkage_mechanism": "joint_enforcement", "departments": ["community_a1"],
       "whistle_notice": "依法清理"}
      """
    When user "street_a" completes task "street_dispatch" with:
      """
      {"dispatch_decision": "whistle", "linkage_mechanism": "joint_enforcement",
       "departments": ["dept_urban", "dept_housing"], "whistle_notice": "请于5个工作日内到场依法清理并反馈", "on_site_meeting": true}
      """
    Then the case has 2 open tasks "department_report"
    And user "dept_urban" sees task "department_report" in the inbox
    And user "dept_housing" sees task "department_report" in the inbox
    And user "dept_emergency" does not see task "department_report" in the inbox
    And user "dept_urban" is refused with 422 at "arrived_on" when completing their task "department_report" with:
      """
      {"arrived_on": "2026-11-28", "measures": "现场执法", "outcome": "done"}
      """
    When user "dept_urban" completes their task "department_report" with:
      """
      {"arrived_on": "2026-12-01", "measures": "现场下达整改通知并清理", "outcome": "done",
       "handling_evidence": ["@file:责令整改通知书.pdf"]}
      """
    Then the case has open tasks "department_report"
    When user "dept_housing" completes their task "department_report" with:
      """
      {"arrived_on": "2026-12-02", "measures": "督促物业落实消防通道管理", "outcome": "partly"}
      """
    Then the departments' reports are "dept_urban:done, dept_housing:partly"
    And the case has open tasks "street_evaluate"
    And user "street_a" is refused with 422 at "underperforming_departments" when completing task "street_evaluate" with:
      """
      {"department_rating": "poor", "underperforming_departments": ["dept_emergency"], "evaluation_result": "resolved"}
      """
    When user "street_a" completes task "street_evaluate" with:
      """
      {"department_rating": "fair", "evaluation_result": "resolved"}
      """
    And user "grid_a1" completes task "feedback_resident" with:
      """
      {"feedback_method": "visit", "feedback_on": "2026-12-03", "feedback_content": "消防通道已清理",
       "resident_satisfaction": "satisfied"}
      """
    Then the case is completed at end event "已办结"

  Scenario: 上报街道, which returns it to the community as a small matter
    When user "community_a1" completes task "accept_problem" with:
      """
      {"accept_decision": "accept"}
      """
    And user "community_a1" completes task "analyse" with:
      """
      {"handling_level": "street", "analysis": "涉及消防安全", "escalation_reason": "需要街道统筹"}
      """
    Then the case has open tasks "street_dispatch"
    When user "street_a" completes task "street_dispatch" with:
      """
      {"dispatch_decision": "return_community", "return_reason": "属社区可协调解决的小事"}
      """
    Then the case has open tasks "community_handle"
    When user "community_a1" completes task "community_handle" with:
      """
      {"handling_method": "grid_leader", "handling_description": "网格长协调住户清理", "handling_result": "resolved"}
      """
    And user "grid_a1" completes task "feedback_resident" with:
      """
      {"feedback_method": "notice", "feedback_on": "2026-12-02", "feedback_content": "已清理", "resident_satisfaction": "satisfied"}
      """
    Then the case is completed at end event "已办结"

  Scenario: 重新吹哨 and 不满意 — a department not concerned, a second whistle, then the resident is not satisfied
    When user "community_a1" completes task "accept_problem" with:
      """
      {"accept_decision": "accept"}
      """
    And user "community_a1" completes task "analyse" with:
      """
      {"handling_level": "street", "analysis": "涉及安全隐患", "escalation_reason": "需要部门协同"}
      """
    And user "street_a" completes task "street_dispatch" with:
      """
      {"dispatch_decision": "whistle", "linkage_mechanism": "emergency", "departments": ["dept_emergency"],
       "whistle_notice": "请评估消防安全隐患"}
      """
    Then the case has 1 open tasks "department_report"
    When user "dept_emergency" completes their task "department_report" with:
      """
      {"arrived_on": "2026-12-01", "measures": "现场查看", "outcome": "not_remit"}
      """
    And user "street_a" completes task "street_evaluate" with:
      """
      {"department_rating": "poor", "underperforming_departments": ["dept_emergency"], "evaluation_result": "rewhistle",
       "evaluation_notes": "应由综合执法部门处置"}
      """
    Then the case has open tasks "street_dispatch"
    When user "street_a" completes task "street_dispatch" with:
      """
      {"dispatch_decision": "whistle", "linkage_mechanism": "joint_enforcement", "departments": ["dept_urban"],
       "whistle_notice": "请依法清理"}
      """
    And user "dept_urban" completes their task "department_report" with:
      """
      {"arrived_on": "2026-12-02", "measures": "依法清理", "outcome": "done"}
      """
    Then the departments' reports are "dept_urban:done"
    When user "street_a" completes task "street_evaluate" with:
      """
      {"department_rating": "good", "evaluation_result": "resolved"}
      """
    And user "grid_a1" completes task "feedback_resident" with:
      """
      {"feedback_method": "visit", "feedback_on": "2026-12-03", "feedback_content": "已清理",
       "resident_satisfaction": "unsatisfied", "dissatisfaction_reason": "杂物又被堆回"}
      """
    Then the case has open tasks "analyse"
    When user "community_a1" completes task "analyse" with:
      """
      {"handling_level": "on_spot", "analysis": "复查发现少量杂物", "on_spot_result": "网格员已督促清理"}
      """
    And user "grid_a1" completes task "feedback_resident" with:
      """
      {"feedback_method": "visit", "feedback_on": "2026-12-04", "feedback_content": "已复查清理", "resident_satisfaction": "satisfied"}
      """
    Then the case is completed at end event "已办结"

  Scenario: a grid worker reports only for their own community
    Then user "grid_b1" is refused with 403 when starting a "whistle_report" case with:
      """
      {"subject_org": "community_a1", "problem_title": "路灯损坏", "category": "facilities", "source": "patrol",
       "location": "和平社区东门", "found_on": "2026-11-30", "description": "东门路灯不亮"}
      """
