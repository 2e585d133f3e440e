Feature: 加签、会签与减签
  办理人可请他人在本环节签署意见：前加签（加签人先签，再回到办理人）、后加签（办理人办理后加签人再签，
  同意后环节才完成）、会签（与办理人同时签，可按通过比例）；办理人可减去尚未签署的加签人。
  加签人以自己的签署任务签署“同意/不同意”与意见；会签未通过时环节回到办理人。

  Background:
    Given user "street_a" starts a "village_to_community" case with:
      """
      {"subject_org": "village_a1", "village_name": "甲街道东村"}
      """
    When user "street_a" completes task "check_eligibility" with:
      """
      {"collective_org_established": true, "assets_inventoried": true, "shares_quantified": true, "whole_village_demolished": false}
      """
    And user "street_a" completes task "draft_plan" with:
      """
      {"plan_title": "甲街道东村撤村建居方案", "conversion_mode": "one_village_one_community", "new_committee_name": "沣西新城甲街道东村社区居民委员会", "village_households": 300, "village_population": 1260, "plan_summary": "东村整建制改设东村社区居民委员会。", "plan_document": "file:东村撤村建居方案.pdf"}
      """
    And user "village_a1" completes task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-03-05", "adult_villagers_total": 1000, "households_total": 300, "attendees": 500, "households_represented": 200, "votes_for": 251, "votes_against": 249, "minutes_file": "file:东村户代表会议纪要.pdf", "sign_in_file": "file:东村签到表.pdf", "ballots_file": "file:东村表决票.pdf"}
      """

  Scenario: 前加签：同事先签署意见，任务再回到复审经办人办结
    When user "civil_affairs" adds "before" signers "civil_affairs_qian" to task "civil_review" with comment "请钱丽先行核对表决票"
    Then task "civil_review" is waiting for its signers
    And task "civil_review" has signers "civil_affairs_qian"
    And user "civil_affairs_qian" sees task "civil_review" in the inbox
    And user "civil_affairs" does not see task "civil_review" in the inbox
    And user "civil_affairs_qian" has an unread notification "sign" about the case
    And user "civil_affairs" is refused with 409 naming "等待加签人签署" when completing task "civil_review" with:
      """
      {"review_decision": "pass"}
      """
    When user "civil_affairs_qian" signs task "civil_review" agreeing with comment "表决票核对无误"
    Then task "civil_review" is not waiting for signers
    And task "civil_review" has signers ""
    And task "civil_review" is held by "civil_affairs"
    And user "civil_affairs" has an unread notification "signing_done" about the case
    And the history shows "sign" by "civil_affairs_qian" with comment "表决票核对无误"
    When user "civil_affairs" completes task "civil_review" with comment "复审通过" and:
      """
      {"review_decision": "pass"}
      """
    Then the case has open tasks "district_approve, file_record"
    And user "civil_affairs_qian" finds task "civil_review" of the case in their done list as "sign" with comment "表决票核对无误"
    And user "civil_affairs" finds task "civil_review" of the case in their done list as "task" with comment "复审通过"

  Scenario: 后加签未获同意：办理人的提交被退回给办理人重新决定
    When user "civil_affairs" adds "after" signers "civil_affairs_qian" to task "civil_review" with comment "复审意见请钱丽复核"
    Then task "civil_review" has signers ""
    And task "civil_review" is not waiting for signers
    When user "civil_affairs" completes task "civil_review" with comment "拟复审通过" and:
      """
      {"review_decision": "pass"}
      """
    Then the case has open tasks "civil_review"
    And task "civil_review" is waiting for its signers
    And task "civil_review" has signers "civil_affairs_qian"
    And the history shows "submit" by "civil_affairs" with comment "拟复审通过"
    When user "civil_affairs_qian" signs task "civil_review" disagreeing with comment "到会户代表不足三分之二，不宜通过"
    Then the case has open tasks "civil_review"
    And task "civil_review" is not waiting for signers
    And user "civil_affairs" has an unread notification "signing_failed" about the case
    When user "civil_affairs" completes task "civil_review" with comment "采纳复核意见，退回街道办" and:
      """
      {"review_decision": "return", "review_opinion": "到会户代表比例存疑，请街道办核实后重新组织会议"}
      """
    Then the case has open tasks "draft_plan"

  Scenario: 减签：办理人减去尚未签署的会签人后自行办结；加签人不能减签
    When user "civil_affairs" adds "parallel" signers "civil_affairs_qian" to task "civil_review" with comment "请钱丽会签"
    Then task "civil_review" has signers "civil_affairs_qian"
    And task "civil_review" is held by "civil_affairs"
    And user "civil_affairs" may do "return, add-signers, remove-signer, cc, terminate" on task "civil_review"
    And user "civil_affairs" is refused with 409 naming "不能同时前加签" when posting "add-signers" on task "civil_review" with:
      """
      {"users": ["civil_affairs_qian"], "mode": "before", "comment": "改为前加签"}
      """
    And user "civil_affairs" is refused with 422 naming "已在本轮加签中" when posting "add-signers" on task "civil_review" with:
      """
      {"users": ["civil_affairs_qian"], "mode": "parallel", "comment": "再加一次"}
      """
    And user "civil_affairs_qian" is refused with 403 naming "已交由他人办理" when posting "remove-signer" on task "civil_review" with:
      """
      {"user": "civil_affairs_qian", "comment": "我不签了"}
      """
    When user "civil_affairs" removes signer "civil_affairs_qian" from task "civil_review" with comment "钱丽出差，无需会签"
    Then task "civil_review" has signers ""
    And the history shows "remove_signer" by "civil_affairs" with comment "钱丽出差，无需会签"
    When user "civil_affairs" completes task "civil_review" with:
      """
      {"review_decision": "pass"}
      """
    Then the case has open tasks "district_approve, file_record"

  Scenario: 跨部门会签按比例通过：规划住建局审查总平面图，民政局两人会签，一人同意即通过
    Given user "natural_resources" starts a "housing_handover" case with:
      """
      {"subject_org": "community_a1", "developer_org": "dev_hx", "project_name": "华兴·沣西花园", "land_parcel_no": "FX-2024-018"}
      """
    When user "natural_resources" completes task "land_transfer_clause" with:
      """
      {"land_contract_no": "沣西出让〔2024〕018号", "notice_includes_housing": true, "contract_clause_included": true, "free_handover_clause": true, "planning_conditions": "按每百户30平方米配建社区办公服务用房，无偿移交沣西新城", "land_contract_file": "file:土地出让合同补充条款.pdf"}
      """
    And user "developer" completes task "submit_site_plan" with:
      """
      {"households": 1500, "phased_development": true, "phase_count": 3, "planned_area_m2": 480, "housing_location": "小区中心，2号楼裙房1—3层", "central_location": true, "lowest_floor": 1, "top_floor": 3, "service_hall_floor": 1, "concentrated_layout": true, "floor_exception": false, "site_plan_file": "file:项目总平面图.pdf"}
      """
    And user "housing" adds "parallel" signers "civil_affairs, civil_affairs_qian" to task "site_plan_review" passing at "0.5" with comment "社区用房位置请民政局会签"
    Then task "site_plan_review" has signers "civil_affairs, civil_affairs_qian"
    And user "civil_affairs" has an unread notification "sign" about the case
    And user "civil_affairs" may read the case
    When user "housing" completes task "site_plan_review" with comment "总平面图符合规划条件" and:
      """
      {"site_plan_decision": "pass", "site_plan_comment": "总平面图符合规划条件"}
      """
    Then task "site_plan_review" is waiting for its signers
    When user "civil_affairs_qian" signs task "site_plan_review" agreeing with comment "社区用房位于小区中心，同意"
    Then the case has open tasks "housing_opinion"
    And task "site_plan_review" has signers ""
    And the history shows "sign" by "civil_affairs_qian" with comment "社区用房位于小区中心，同意"
    And user "civil_affairs_qian" finds task "site_plan_review" of the case in their done list as "sign" with comment "社区用房位于小区中心，同意"
    And user "housing" finds task "site_plan_review" of the case in their done list as "task" with comment "总平面图符合规划条件"
    When user "civil_affairs" completes task "housing_opinion" with comment "规模、位置符合标准" and:
      """
      {"opinion_decision": "pass", "opinion_text": "社区用房规模、位置符合标准，同意"}
      """
    Then the case has open tasks "presale_permit"
    And the case data has "site_plan_decision" equal to "\"pass\""
