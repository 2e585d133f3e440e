Feature: 流程部署与版本
  流程管理员上传 BPMN 文件及其表单，校验通过后部署为该流程的下一个版本。
  在办的办件按发起时的版本（流程图和表单）继续办理，新发起的办件使用最新版本；
  内容未变的重复上传不产生新版本；校验不通过时逐条列出出错的元素 id，且不部署。

  Scenario: 部署改名并增加必填项的第 2 版，老办件沿用第 1 版，新办件使用第 2 版
    Given user "department" starts a "community_access" case with:
      """
      {"item_title": "高龄老人津贴资格年度认证", "applicant_department": "区卫生健康局"}
      """
    When user "department" completes task "apply" with:
      """
      {"item_type": "certificate", "item_content": "协助核实辖区高龄老人生存状况并出具年度认证意见", "target_group": "辖区80周岁以上户籍老年人", "authority_scope": "受区卫生健康局委托开展入户核实，出具认证意见", "time_limit_months": 12, "time_limit_desc": "2027年1月1日至2027年12月31日", "funding_amount": 60000, "funding_source": "district_special", "ledger_form": "electronic"}
      """
    When user "owner" deploys "community_access" with task "gatekeep_review" renamed to "民政局准入审核" and a required text field "review_basis" in form "gatekeep_review.schema.json"
    Then the deployment is answered with 201 and version 2
    And "community_access" has versions "1, 2"
    And version 2 of "community_access" returns the BPMN exactly as uploaded
    And version 2 of "community_access" has form "gatekeep_review.schema.json" requiring "review_basis"
    And the case runs on version 1
    And the case's open task "gatekeep_review" is named "民政局扎口审核" and its form does not know "review_basis"
    When user "civil_affairs" completes task "gatekeep_review" with:
      """
      {"gatekeep_decision": "accept", "elements_complete": true, "funding_verified": true, "gatekeep_opinion": "符合准入条件，提请领导小组审批"}
      """
    Then the case has open tasks "group_approval"
    Given user "department" starts a "community_access" case with:
      """
      {"item_title": "社区居民健康档案更新", "applicant_department": "区卫生健康局"}
      """
    Then the case runs on version 2
    When user "department" completes task "apply" with:
      """
      {"item_type": "ledger", "item_content": "社区按月在电子台账系统更新居民健康档案", "target_group": "辖区常住居民", "authority_scope": "仅在电子台账系统填报", "time_limit_months": 12, "time_limit_desc": "2027年全年", "funding_amount": 20000, "funding_source": "district_special", "ledger_form": "electronic"}
      """
    Then the case's open task "gatekeep_review" is named "民政局准入审核" and its form requires "review_basis"
    And user "civil_affairs" is refused with 422 at "review_basis" when completing task "gatekeep_review" with:
      """
      {"gatekeep_decision": "accept", "elements_complete": true, "funding_verified": true, "gatekeep_opinion": "符合准入条件，提请领导小组审批"}
      """
    When user "civil_affairs" completes task "gatekeep_review" with:
      """
      {"gatekeep_decision": "accept", "elements_complete": true, "funding_verified": true, "gatekeep_opinion": "符合准入条件，提请领导小组审批", "review_basis": "沣西社建〔2026〕2号"}
      """
    Then the case has open tasks "group_approval"

  Scenario: 内容未变的重复上传返回现有版本
    When user "owner" deploys "community_access" unchanged
    Then the deployment is answered with 200 and version 1
    And "community_access" has versions "1"

  Scenario: 流程管理员以外的用户不能部署
    When user "street_a" deploys "community_access" with task "gatekeep_review" renamed to "民政局准入审核" and a required text field "review_basis" in form "gatekeep_review.schema.json"
    Then the deployment is answered with 403
    And "community_access" has versions "1"

  Scenario: 引用不存在的元素、缺少表单文件和未知角色的模型被拒绝，逐条列出元素 id
    When user "owner" deploys "community_access" with flow "Flow_gatekeep_accept" pointing to "nowhere", form "group_approval.schema.json" left out and lane "Lane_department" named "no_such_role"
    Then the deployment is answered with 422 naming "Flow_gatekeep_accept, group_approval, Lane_department"
    And "community_access" has versions "1"
