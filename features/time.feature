Feature: 定时与办理时限
  定时器和时限由后台任务按时触发，每一步都记入办理日志并可重放校验：
  边界定时器到期关闭未办的任务；环节时限按法定工作日（含调休）计算，
  到期前预警，超期后自动催办，督办单位可见。

  Scenario: 逾期未提交，边界定时器关闭申请
    Given the clock is at "2026-03-02 09:00"
    And the test procedure "timer_approval" is deployed
    And user "street_a" starts a "timer_approval" case with:
      """
      {}
      """
    Then the case has open tasks "submit"
    When the clock moves to "2026-03-05 08:59" and the worker runs
    Then the case has open tasks "submit"
    When the clock moves to "2026-03-05 09:01" and the worker runs
    Then the case is completed at end event "逾期关闭"
    And the case history ends with "timer_fired" at "submit_timeout" by "system"

  Scenario: 审批环节跨调休超期，自动催办并列入督办
    Given the clock is at "2025-10-10 09:00"
    And the test procedure "limit_approval" is deployed
    And user "street_a" starts a "limit_approval" case with:
      """
      {}
      """
    When user "street_a" completes task "accept" with:
      """
      {"agree": true}
      """
    And user "civil_affairs" completes task "expert" with:
      """
      {"agree": true}
      """
    Then the limit "环节时限" of task "decide" is due at the end of "2025-10-14" with urgency "normal"
    When the clock moves to "2025-10-12 10:00" and the worker runs
    Then the limit "环节时限" of task "decide" is due at the end of "2025-10-14" with urgency "yellow"
    When the clock moves to "2025-10-15 09:00" and the worker runs
    Then the limit "环节时限" of task "decide" is due at the end of "2025-10-14" with urgency "overdue"
    And user "civil_affairs" has a notification containing "已超过环节时限 3 个工作日"
    And user "district_gov" sees the case in the overdue list
    And the case history ends with "urge" at "" by "system"
