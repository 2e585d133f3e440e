Feature: 终止
  办件可由管理员终止；发起人在其他单位办理之前可以终止；流程模型可以允许某些角色终止（terminateRoles）
  或允许某环节的办理人终止。终止须写明原因，未办的任务全部取消，办理记录完整保留。

  Background:
    Given user "street_a" starts a "village_to_community" case with:
      """
      {"subject_org": "village_a1", "village_name": "甲街道东村"}
      """
    When user "street_a" completes task "check_eligibility" with:
      """
      {"collective_org_established": true, "assets_inventoried": true, "shares_quantified": true, "whole_village_demolished": false}
      """

  Scenario: 发起人在村委会办理之前终止办件
    When user "street_a" terminates the case with reason "东村暂缓改制，撤回申请"
    Then the case is terminated
    And the history shows "terminate" by "street_a" with comment "东村暂缓改制，撤回申请"
    And user "street_a" is refused with 409 naming "已终止" when posting "terminate" on the case with:
      """
      {"reason": "再终止一次"}
      """

  Scenario: 村委会办理之后发起人不能再终止，模型允许的区民政局可以终止，无关人员不能终止
    When user "street_a" completes task "draft_plan" with:
      """
      {"plan_title": "甲街道东村撤村建居方案", "conversion_mode": "one_village_one_community", "new_committee_name": "沣西新城甲街道东村社区居民委员会", "village_households": 300, "village_population": 1260, "plan_summary": "东村整建制改设东村社区居民委员会。", "plan_document": "file:东村撤村建居方案.pdf"}
      """
    And user "village_a1" completes task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-03-05", "adult_villagers_total": 1000, "households_total": 300, "attendees": 500, "households_represented": 200, "votes_for": 251, "votes_against": 249, "minutes_file": "file:东村户代表会议纪要.pdf", "sign_in_file": "file:东村签到表.pdf", "ballots_file": "file:东村表决票.pdf"}
      """
    Then user "street_a" is refused with 409 naming "其他单位已办理" when posting "terminate" on the case with:
      """
      {"reason": "不想办了"}
      """
    And user "street_b" is refused with 403 naming "您无权查看该办件" when posting "terminate" on the case with:
      """
      {"reason": "越权终止"}
      """
    And user "civil_upper" is refused with 403 naming "只有发起人（其他单位办理之前）" when posting "terminate" on the case with:
      """
      {"reason": "能看不能终止"}
      """
    And user "civil_affairs" is refused with 422 naming "必须填写原因" when posting "terminate" on the case with:
      """
      {}
      """
    When user "civil_affairs" terminates the case with reason "经复核东村不具备改制条件"
    Then the case is terminated
    And the history shows "terminate" by "civil_affairs" with comment "经复核东村不具备改制条件"
