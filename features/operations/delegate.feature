Feature: 委派
  办理人可把任务委派给同事办理；受委派人办理后任务回到委派人，委派人确认或修改后再办理，
  双方的意见都留在办理记录中。受委派人只能办理，不能再转办、退回或加签。

  Scenario: 民政局复审委派同事初审，同事办理后回到原经办人确认办结
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
    And user "civil_affairs" delegates task "civil_review" to "civil_affairs_qian" with comment "请钱丽初审会议程序"
    Then task "civil_review" is held by "civil_affairs_qian"
    And task "civil_review" shows "delegated" by "civil_affairs" with comment "请钱丽初审会议程序"
    And user "civil_affairs_qian" has an unread notification "delegated" about the case
    And user "civil_affairs_qian" may do "" on task "civil_review"
    And user "civil_affairs_qian" is refused with 403 naming "受委派" when posting "transfer" on task "civil_review" with:
      """
      {"to_user": "civil_affairs", "comment": "交回"}
      """
    When user "civil_affairs_qian" completes task "civil_review" with comment "到会人数与表决票数核对无误，建议通过" and:
      """
      {"review_decision": "pass"}
      """
    Then the case has open tasks "civil_review"
    And task "civil_review" is held by "civil_affairs"
    And task "civil_review" shows "delegate_back" by "civil_affairs_qian" with comment "到会人数与表决票数核对无误，建议通过"
    And user "civil_affairs" has an unread notification "delegate_back" about the case
    And the history shows "resolve" by "civil_affairs_qian" with comment "到会人数与表决票数核对无误，建议通过"
    When user "civil_affairs" completes task "civil_review" with comment "同意初审意见，复审通过" and:
      """
      {"review_decision": "pass"}
      """
    Then the case has open tasks "district_approve, file_record"
    And the history shows "complete" by "civil_affairs" with comment "同意初审意见，复审通过"
