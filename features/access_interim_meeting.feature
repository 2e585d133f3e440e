Feature: 领导小组临时会议
  区社区建设领导小组“原则上”每季度召开一次会议（002 §四(一)）。季度会议召集之后才报来的事项不必
  等到下季度：领导小组办公室可在两次季度会议之间召集临时会议，召集时本区等待领导小组审议、且未列入
  另一场尚未召开的会议议程的事项作为一批列入议程（一项事项只在一场会议上审议，两个决定不会交叉送达）。
  申请部门在办件上看到事项已列入哪场会议的议程，或在等待下次会议。

  Scenario: 季度会议召集后报来的事项由临时会议审议，季度会议议程上的事项不重复列入
    Given user "department" starts a "community_access" case "A" with:
      """
      {"item_title": "高龄老人津贴资格年度认证", "applicant_department": "区卫生健康局"}
      """
    And case "A" reaches the leadership group with:
      """
      {"item_type": "certificate", "item_content": "协助核实辖区高龄老人生存状况并出具年度认证意见", "target_group": "辖区80周岁以上户籍老年人", "authority_scope": "受区卫生健康局委托开展入户核实", "time_limit_months": 12, "time_limit_desc": "一年", "funding_amount": 60000, "funding_source": "district_special", "ledger_form": "electronic"}
      """
    Then case "A" waits for the next meeting, the quarterly one called at "2027-01-15 09:00"
    When the clock moves to "2027-01-15 09:00" and the worker runs
    Then the quarterly meeting has the agenda "高龄老人津贴资格年度认证"
    And case "A" stands on the agenda of the quarterly meeting
    Given user "department" starts a "community_access" case "B" with:
      """
      {"item_title": "社区安全生产网格巡查", "applicant_department": "区应急管理局"}
      """
    And case "B" reaches the leadership group with:
      """
      {"item_type": "work_item", "item_content": "社区网格员每周巡查沿街商铺安全隐患并通过平台上报", "target_group": "辖区沿街商铺", "authority_scope": "仅限巡查发现和上报，不承担执法", "time_limit_months": 24, "time_limit_desc": "2027年至2028年", "funding_amount": 48000, "funding_source": "district_special", "ledger_form": "none"}
      """
    Then case "B" waits for the next meeting, the quarterly one called at "2027-04-15 09:00"
    And user "department" is refused with 403 when calling an interim meeting with:
      """
      {"call_reason": "部门要求尽快审议"}
      """
    When user "leadership" calls an interim meeting with:
      """
      {"call_reason": "季度会议召集后区应急管理局报来的安全巡查事项，汛期前须作出决定"}
      """
    Then the interim meeting has the agenda "社区安全生产网格巡查"
    And case "B" stands on the agenda of the interim meeting
    And case "A" stands on the agenda of the quarterly meeting
    When the clock moves to "2027-02-03 15:00" and the worker runs
    And user "leadership" holds the interim meeting with:
      """
      {"meeting_date": "2027-02-03", "meeting_quarter": "2027Q1", "meeting_no": "沣西社建纪〔2027〕2号", "members_total": 9, "attendees": 6, "decisions": {"社区安全生产网格巡查": ["approve", "同意纳入社区事务准入清单"]}}
      """
    Then the interim meeting is completed at end event "会议决定已送达"
    And case "B" has open tasks "publish_list, setup_ledger"
    And case "B" has no meeting standing
    And the public access list has an entry "社区安全生产网格巡查" of case "B" with status "有效" valid until "2029-02-02"
    And case "A" has open tasks "group_approval"
    When the clock moves to "2027-02-10 15:00" and the worker runs
    And user "leadership" holds the quarterly meeting with:
      """
      {"meeting_date": "2027-02-10", "meeting_quarter": "2027Q1", "meeting_no": "沣西社建纪〔2027〕3号", "members_total": 9, "attendees": 7, "decisions": {"高龄老人津贴资格年度认证": ["approve", "同意纳入社区事务准入清单"]}}
      """
    Then the quarterly meeting is completed at end event "会议决定已送达"
    And case "A" has open tasks "publish_list, setup_ledger"

  Scenario: 召集临时会议时没有待审议事项，会议办件自动结束
    When user "leadership" calls an interim meeting with:
      """
      {"call_reason": "核查有无待审议事项"}
      """
    Then the interim meeting is completed at end event "无待审议事项"
