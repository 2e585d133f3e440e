Feature: 领导小组季度会议
  区社区建设领导小组原则上每季度召开一次会议；拟进入社区的工作项目由区民政局扎口，
  报领导小组审批（002 §四(一)）。系统每季度召集一次：召集时本区全部等待领导小组审议的
  社区事务准入事项作为一批列入议程，会议逐项决定并上传会议纪要和签到表，决定逐项送达各事项办件。

  Scenario: 领导小组季度会议把待审议事项作为一批审议：一项批准纳入清单，一项暂缓至下季度
    Given user "department" starts a "community_access" case "A" with:
      """
      {"item_title": "高龄老人津贴资格年度认证", "applicant_department": "区卫生健康局"}
      """
    And case "A" reaches the leadership group with:
      """
      {"item_type": "certificate", "item_content": "协助核实辖区高龄老人生存状况并出具年度认证意见", "target_group": "辖区80周岁以上户籍老年人", "authority_scope": "受区卫生健康局委托开展入户核实，出具认证意见", "time_limit_months": 12, "start_date": "2027-02-01", "time_limit_desc": "2027年2月1日至2028年1月31日", "funding_amount": 60000, "funding_source": "district_special", "ledger_form": "electronic"}
      """
    And user "department" starts a "community_access" case "B" with:
      """
      {"item_title": "社区安全生产网格巡查", "applicant_department": "区应急管理局"}
      """
    And case "B" reaches the leadership group with:
      """
      {"item_type": "work_item", "item_content": "社区网格员每周巡查沿街商铺安全隐患并通过平台上报", "target_group": "辖区沿街商铺", "authority_scope": "仅限巡查发现和上报，不承担执法", "time_limit_months": 24, "time_limit_desc": "2027年至2028年", "funding_amount": 48000, "funding_source": "district_special", "ledger_form": "none"}
      """
    When the clock moves to "2027-01-15 09:00" and the worker runs
    Then the quarterly meeting has the agenda "高龄老人津贴资格年度认证, 社区安全生产网格巡查"
    And user "leadership" is refused with 422 at "agenda" when holding the quarterly meeting without its first item
    And user "leadership" is refused with 422 at "attendees" when holding the quarterly meeting with:
      """
      {"meeting_date": "2027-01-20", "meeting_quarter": "2027Q1", "meeting_no": "沣西社建纪〔2027〕1号", "members_total": 9, "attendees": 10, "decisions": {"高龄老人津贴资格年度认证": ["approve", "同意准入"], "社区安全生产网格巡查": ["defer", "需征求街道意见"]}}
      """
    And user "leadership" is refused with 422 at "meeting_quarter" when holding the quarterly meeting with:
      """
      {"meeting_date": "2027-04-02", "meeting_quarter": "2027Q1", "meeting_no": "沣西社建纪〔2027〕1号", "members_total": 9, "attendees": 7, "decisions": {"高龄老人津贴资格年度认证": ["approve", "同意准入"], "社区安全生产网格巡查": ["defer", "需征求街道意见"]}}
      """
    When user "leadership" holds the quarterly meeting with:
      """
      {"meeting_date": "2027-01-20", "meeting_quarter": "2027Q1", "meeting_no": "沣西社建纪〔2027〕1号", "members_total": 9, "attendees": 7, "decisions": {"高龄老人津贴资格年度认证": ["approve", "同意纳入社区事务准入清单"], "社区安全生产网格巡查": ["defer", "需征求街道意见，下季度再议"]}}
      """
    Then the quarterly meeting is completed at end event "会议决定已送达"
    And case "A" has open tasks "publish_list, setup_ledger"
    And case "B" has open tasks "group_approval"
    And the public access list has an entry "高龄老人津贴资格年度认证" of case "A" with status "尚未生效" valid until "2028-01-31"
    And the entry "高龄老人津贴资格年度认证" names the meeting "沣西社建纪〔2027〕1号" of "2027-01-20"
    And the public access list has no entry "社区安全生产网格巡查"
    When the clock moves to "2027-04-15 09:00" and the worker runs
    Then the quarterly meeting has the agenda "社区安全生产网格巡查"

  Scenario: 本季度没有待审议事项，季度会议办件自动结束
    When the clock moves to "2027-01-15 09:00" and the worker runs
    Then the quarterly meeting is completed at end event "本季度无待审议事项"
