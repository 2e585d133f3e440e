Feature: 转办
  办理人可把任务转给同单位、同角色的另一位人员（流程模型可用 candidateRoles 放宽）；
  任务从此只属于接收人，办理记录同时留下转出人和接收人；模型可用 allowedOperations 禁止转办。

  Background:
    Given user "street_a" starts a "village_to_community" case with:
      """
      {"subject_org": "village_a1", "village_name": "甲街道东村"}
      """
    When user "street_a" completes task "check_eligibility" with:
      """
      {"collective_org_established": true, "assets_inventoried": true, "shares_quantified": true, "whole_village_demolished": false}
      """

  Scenario: 街道办经办人把拟定方案转给同事办理
    Then user "street_a" may do "return, transfer, delegate, add-signers, cc, terminate" on task "draft_plan"
    When user "street_a" transfers task "draft_plan" to "street_a_wang" with comment "王芳熟悉东村情况，请她拟定方案"
    Then task "draft_plan" is held by "street_a_wang"
    And task "draft_plan" shows "transferred" by "street_a" with comment "王芳熟悉东村情况，请她拟定方案"
    And user "street_a_wang" sees task "draft_plan" in the inbox
    And user "street_a" does not see task "draft_plan" in the inbox
    And user "street_a_wang" has an unread notification "transferred" about the case
    And user "street_a" is refused with 403 naming "已交由他人办理" when completing task "draft_plan" with:
      """
      {"plan_title": "甲街道东村撤村建居方案", "conversion_mode": "one_village_one_community", "new_committee_name": "沣西新城甲街道东村社区居民委员会", "village_households": 300, "village_population": 1260, "plan_summary": "东村整建制改设社区。", "plan_document": "file:东村撤村建居方案.pdf"}
      """
    And the history shows "transfer" by "street_a" with comment "王芳熟悉东村情况，请她拟定方案"
    When user "street_a_wang" completes task "draft_plan" with comment "方案已拟定" and:
      """
      {"plan_title": "甲街道东村撤村建居方案", "conversion_mode": "one_village_one_community", "new_committee_name": "沣西新城甲街道东村社区居民委员会", "village_households": 300, "village_population": 1260, "plan_summary": "东村整建制改设社区。", "plan_document": "file:东村撤村建居方案.pdf"}
      """
    Then the case has open tasks "hold_meeting"
    And the history shows "complete" by "street_a_wang" with comment "方案已拟定"

  Scenario: 接收人后来被停用，任务只属于他一人：列入无人可办的办件，同单位其他人员仍在职也一样
    When user "street_a" transfers task "draft_plan" to "street_a_wang" with comment "王芳熟悉东村情况，请她拟定方案"
    Then the stuck cases do not list the case
    When the admin deactivates user "street_a_wang"
    Then the stuck cases list task "draft_plan" of the case with reason "任务已交由甲街道办 王芳个人办理，该用户已停用"

  Scenario: 不能转给其他单位、不存在的人或自己
    Then user "street_a" is refused with 403 naming "同单位同角色" when posting "transfer" on task "draft_plan" with:
      """
      {"to_user": "street_b", "comment": "请乙街道办理"}
      """
    And user "street_a" is refused with 422 naming "没有在用的用户" when posting "transfer" on task "draft_plan" with:
      """
      {"to_user": "nobody_here", "comment": "转给不存在的人"}
      """
    And user "street_a" is refused with 422 naming "不能是本人" when posting "transfer" on task "draft_plan" with:
      """
      {"to_user": "street_a", "comment": "转给自己"}
      """
    And user "street_a" is refused with 422 naming "必须填写意见" when posting "transfer" on task "draft_plan" with:
      """
      {"to_user": "street_a_wang"}
      """
    And user "village_a1" is refused with 403 naming "您没有该角色" when posting "transfer" on task "draft_plan" with:
      """
      {"to_user": "street_a_wang", "comment": "越权转办"}
      """

  Scenario: 管委会审批由模型禁止转办，只能退回、加签或抄送
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
    And user "civil_affairs" completes task "civil_review" with comment "方案规范，同意报批" and:
      """
      {"review_decision": "pass"}
      """
    Then user "district_gov" may do "return, cc" on task "district_approval"
    And user "district_gov" is refused with 403 naming "allowedOperations" when posting "transfer" on task "district_approval" with:
      """
      {"to_user": "civil_affairs", "comment": "请民政局代为审批"}
      """
