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
