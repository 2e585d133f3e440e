# language: en
Feature: 民情日志 — what a grid worker records about the grid, and the 吹哨报到 cases it starts
  Seed 004 §二(三): 网格员……第一时间掌握了解网格内居民家庭状况、不稳定因素、社区环境突出问题、社区重点人员等情况，
  做好“民情日志”记录，着重加强对困难群众、高龄独居空巢老人、残疾人家庭、流动人口、重点帮扶人员等重点群体的关怀照料.
  An entry is never changed; a problem it records can start a 吹哨报到 case (§二(二)), linked both ways.

  Background:
    Given user "grid_a1" records in the grid log:
      """
      {"grid_name": "第三网格", "kind": "key_group", "key_group": "elderly_alone", "title": "3号楼独居老人李大爷",
       "content": "82岁独居，子女在外地，需每周上门探访", "location": "和平社区3号楼1单元101",
       "person_name": "李大爷", "person_phone": "13900000001", "recorded_on": "2026-11-28"}
      """
    And user "grid_a1" records in the grid log:
      """
      {"grid_name": "第三网格", "kind": "problem", "title": "5号楼下水道堵塞污水外溢",
       "content": "5号楼东侧下水道堵塞，污水外溢至人行道", "location": "和平社区5号楼东侧",
       "person_name": "赵女士", "person_phone": "13900000002", "recorded_on": "2026-11-30"}
      """

  Scenario: the community and the street above read the log with its personal data; others do not
    Then user "community_a1" sees 2 grid log entries, the newest "5号楼下水道堵塞污水外溢", with personal data
    And user "street_a" sees 2 grid log entries, the newest "5号楼下水道堵塞污水外溢", with personal data
    And user "grid_b1" sees 0 grid log entries
    And user "street_b" sees 0 grid log entries
    And user "street_b" is refused with 403 when listing the grid log of "community_a1"
    And user "dept_urban" is refused with 403 when reading grid log entry "3号楼独居老人李大爷"

  Scenario: an incomplete or misplaced entry is refused and nothing is recorded
    Then user "grid_a1" is refused with 422 at "key_group" when recording in the grid log:
      """
      {"grid_name": "第三网格", "kind": "key_group", "title": "流动人口登记", "content": "新租户两人，未登记",
       "recorded_on": "2026-11-30"}
      """
    And user "grid_a1" is refused with 422 at "recorded_on" when recording in the grid log:
      """
      {"grid_name": "第三网格", "kind": "risk", "title": "邻里纠纷", "content": "楼上楼下噪音纠纷",
       "recorded_on": "2999-01-01"}
      """
    And user "grid_a1" is refused with 422 at "person_phone" when recording in the grid log:
      """
      {"grid_name": "第三网格", "kind": "household", "title": "家庭情况", "content": "三口之家，新迁入",
       "person_phone": "电话", "recorded_on": "2026-11-30"}
      """
    And user "street_a" is refused with 403 when recording in the grid log:
      """
      {"grid_name": "第三网格", "kind": "risk", "title": "邻里纠纷", "content": "楼上楼下噪音纠纷",
       "recorded_on": "2026-11-30"}
      """
    And user "community_a1" sees 2 grid log entries, the newest "5号楼下水道堵塞污水外溢", with personal data

  Scenario: a problem in the log starts a 吹哨报到 case prefilled from it, linked both ways
    When user "grid_a1" starts a 吹哨报到 case from grid log entry "5号楼下水道堵塞污水外溢" with:
      """
      {"category": "facilities", "source": "resident"}
      """
    Then the case data has "problem_title" equal to "\"5号楼下水道堵塞污水外溢\""
    And the case data has "location" equal to "\"和平社区5号楼东侧\""
    And the case data has "found_on" equal to "\"2026-11-30\""
    And the case data has "resident_name" equal to "\"赵女士\""
    And the case names grid log entry "5号楼下水道堵塞污水外溢"
    And grid log entry "5号楼下水道堵塞污水外溢" names the case
    And the case has open tasks "accept_problem"
    And user "grid_a1" is refused with 409 when starting a 吹哨报到 case from grid log entry "5号楼下水道堵塞污水外溢" with:
      """
      {"category": "facilities"}
      """
    And user "grid_a1" is refused with 409 when starting a 吹哨报到 case from grid log entry "3号楼独居老人李大爷" with:
      """
      {"category": "livelihood"}
      """
    And the case verifies

  Scenario: a department whistled to the case reads the entry it came from without the personal data
    When user "grid_a1" starts a 吹哨报到 case from grid log entry "5号楼下水道堵塞污水外溢" with:
      """
      {"category": "facilities"}
      """
    And user "community_a1" completes task "accept_problem" with:
      """
      {"accept_decision": "accept"}
      """
    And user "community_a1" completes task "analyse" with:
      """
      {"handling_level": "street", "analysis": "涉及市政管网，社区无法处置", "escalation_reason": "需住建部门疏通管网"}
      """
    And user "street_a" completes task "street_dispatch" with:
      """
      {"dispatch_decision": "whistle", "linkage_mechanism": "quick_response", "departments": ["dept_housing"],
       "whistle_notice": "请住建局三日内疏通下水管网"}
      """
    Then user "dept_housing" reads grid log entry "5号楼下水道堵塞污水外溢" without personal data
    And user "dept_urban" is refused with 403 when reading grid log entry "5号楼下水道堵塞污水外溢"
    And user "street_a" reads grid log entry "5号楼下水道堵塞污水外溢" with personal data
    And the case verifies

  Scenario: an entry changed after it was written breaks verify
    When user "grid_a1" starts a 吹哨报到 case from grid log entry "5号楼下水道堵塞污水外溢" with:
      """
      {"category": "facilities"}
      """
    And someone changes the content of grid log entry "5号楼下水道堵塞污水外溢" in the database
    Then the case does not verify, naming the grid log
