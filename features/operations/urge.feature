Feature: 催办
  发起人、上级单位、办理过本办件的人员和管理员可以催办：当前环节的办理人收到催办消息；
  同一环节在间隔内只能催办一次，再催办答复 429 并说明需等待的时间。

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

  Scenario: 发起人催办村委会召开户代表会议，再次催办被限制
    When user "street_a" urges the case with comment "请于本周内召开户代表会议"
    Then user "village_a1" has an unread notification "urge" about the case
    And user "village_a1"'s notification "urge" about the case names step "各村户代表会议讨论表决" and the case title
    And the history shows "urge" by "street_a" with comment "请于本周内召开户代表会议"
    And user "street_a" is refused with 429 naming "已催办过" when posting "urge" on the case with:
      """
      {"comment": "再催一次"}
      """

  Scenario: 上级单位可以催办，无关单位不能催办
    Then user "street_b" is refused with 403 naming "您无权查看该办件" when posting "urge" on the case with:
      """
      {"comment": "越权催办"}
      """
    And user "village_a1" is refused with 403 naming "只有发起人、上级单位" when posting "urge" on the case with:
      """
      {"comment": "办理人不能催自己"}
      """
    When user "civil_affairs" urges the case with comment "区民政局督办：请尽快表决"
    Then user "village_a1" has an unread notification "urge" about the case
