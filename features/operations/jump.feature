Feature: 跳转
  管理员可以把办件的当前环节移到指定的用户任务（写明原因）：向前回到已办理路径上的环节，
  或向后跳到不经并行（包容）网关即可到达的环节；会使汇聚无法满足的跳转被拒绝。

  Background:
    Given user "street_a" starts a "residents_committee" case with:
      """
      {"subject_org": "community_a1", "residential_area_name": "和平家园小区", "residential_area_location": "沣西新城甲街道统一路以北"}
      """
    When user "street_a" completes task "survey_occupancy" with:
      """
      {"area_total_households": 3200, "occupied_households": 2000, "survey_date": "2024-03-01"}
      """
    And user "street_a" completes task "draft_plan" with:
      """
      {"community_name": "甲街道和平社区", "committee_name": "甲街道和平社区居民委员会", "boundary_east": "沣泾大道", "boundary_south": "统一路", "boundary_west": "天雄西路", "boundary_north": "咸户路", "area_km2": 2.4, "households": 3200, "population": 9600, "housing_type": "apartment", "party_org_staff": 5, "committee_members": 7, "supervisory_members": 3, "service_station_staff": 7, "grid_count": 11, "plan_document": "file:和平社区设立方案.pdf", "boundary_map": "file:和平社区四至范围图.pdf"}
      """

  Scenario: 管理员把办件跳过管委会审批直接组织选举，再跳回拟定方案
    Then the case has open tasks "civil_review"
    And user "street_a" is refused with 403 naming "只有管理员" when posting "jump" on the case with:
      """
      {"target_element_id": "organise_election", "reason": "越权跳转"}
      """
    And user "admin" is refused with 409 naming "汇聚无法满足" when posting "jump" on the case with:
      """
      {"target_element_id": "issue_seal", "reason": "直接发印章"}
      """
    And user "admin" is refused with 422 naming "不是该流程的用户任务" when posting "jump" on the case with:
      """
      {"target_element_id": "fork_after_election", "reason": "跳到网关"}
      """
    When user "admin" jumps the case to "organise_election" with reason "管委会已线下批复（沣西管发〔2024〕12号），补录"
    Then the case has open tasks "organise_election"
    And the history shows "jump" by "admin" with comment "管委会已线下批复（沣西管发〔2024〕12号），补录"
    When user "admin" jumps the case to "draft_plan" with reason "方案需重新拟定"
    Then the case has open tasks "draft_plan"
    And the case data has "committee_name" equal to "\"甲街道和平社区居民委员会\""
    When user "street_a" completes task "draft_plan" with:
      """
      {"community_name": "甲街道和平社区", "committee_name": "甲街道和平社区居民委员会", "boundary_east": "沣泾大道", "boundary_south": "统一路", "boundary_west": "天雄西路", "boundary_north": "咸户路", "area_km2": 2.4, "households": 3200, "population": 9600, "housing_type": "apartment", "party_org_staff": 5, "committee_members": 7, "supervisory_members": 3, "service_station_staff": 7, "grid_count": 11, "plan_document": "file:和平社区设立方案.pdf", "boundary_map": "file:和平社区四至范围图.pdf"}
      """
    And user "civil_affairs" completes task "civil_review" with:
      """
      {"review_decision": "pass"}
      """
    And user "district_gov" completes task "district_approval" with:
      """
      {"approval_decision": "approve", "approval_date": "2024-04-10", "approval_doc_no": "沣西管发〔2024〕12号", "approval_file": "file:同意设立和平社区居委会的批复.pdf"}
      """
    Then the case has open tasks "organise_election"

  Scenario: 跳转进入各村户代表会议（多实例）：还没有参会村清单时拒绝并说明原因，已有清单时为各村打开
    Given user "street_a" starts a "village_to_community" case with:
      """
      {"subject_org": "village_a1", "village_name": "甲街道东村", "application_note": "东村已完成集体产权制度改革"}
      """
    When user "street_a" completes task "check_eligibility" with:
      """
      {"collective_org_established": true, "assets_inventoried": true, "shares_quantified": true, "whole_village_demolished": false}
      """
    Then user "admin" is refused with 409 naming "逐项办理" when posting "jump" on the case with:
      """
      {"target_element_id": "hold_meeting", "reason": "各村已开会，补录"}
      """
    And the case has open tasks "draft_plan"
    When user "street_a" completes task "draft_plan" with:
      """
      {"plan_title": "甲街道东村撤村建居方案", "conversion_mode": "one_village_one_community", "new_committee_name": "沣西新城甲街道东村社区居民委员会", "village_households": 300, "village_population": 1260, "plan_summary": "东村整建制改设东村社区居民委员会，集体资产由股份经济合作社承接。", "plan_document": "file:东村撤村建居方案.pdf"}
      """
    And user "village_a1" completes task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-03-05", "adult_villagers_total": 1000, "households_total": 300, "attendees": 500, "households_represented": 200, "votes_for": 251, "votes_against": 249, "minutes_file": "file:东村户代表会议纪要.pdf", "sign_in_file": "file:东村签到表.pdf", "ballots_file": "file:东村表决票.pdf"}
      """
    And user "civil_affairs" returns task "civil_review" to "draft_plan" with comment "方案户数与台账不符，请核实后重报"
    Then the case has open tasks "draft_plan"
    When user "admin" jumps the case to "hold_meeting" with reason "方案已线下改正，各村重新表决"
    Then the case has open tasks "hold_meeting"
    And user "village_a1" sees task "hold_meeting" in the inbox
    And the history shows "jump" by "admin" with comment "方案已线下改正，各村重新表决"
    When user "village_a1" completes task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-03-15", "adult_villagers_total": 1000, "households_total": 300, "attendees": 520, "households_represented": 220, "votes_for": 400, "votes_against": 120, "minutes_file": "file:东村户代表会议纪要.pdf", "sign_in_file": "file:东村签到表.pdf", "ballots_file": "file:东村表决票.pdf"}
      """
    Then the case has open tasks "civil_review"
    And the case data has "meeting_result" equal to "\"passed\""
