# 商户控制台的简体中文文字。与 en.ftl 的消息完全相同。

## 每个页面

console = Purse 控制台
skip-to-content = 跳到正文
nav-label = 控制台
nav-today = 今日
nav-orders = 订单
nav-till = 收银台
nav-payouts = 提现
nav-poster = 收款码海报
nav-developers = 开发者
sign-out = 退出登录
new-link = 在店铺的设备上运行 { $command } 以获取新的登录链接。
created-utc = 创建时间（UTC）
amount = 金额
amount-in = 金额（{ $currency }）
description = 描述
state = 状态
bank-account = 银行账户
enter-amount = 请输入以 { $currency } 计的金额
not-an-amount = “{ $text }”不是以 { $currency } 计的金额

## 今日

today-sales = 销售额
today-payments = 付款笔数
today-refunds = 退款
today-live = 实时到账
today-none = 今天还没有付款。
today-time = 时间（UTC）
today-what = 类型
today-from = 付款方
kind-payment = 付款
kind-refund = 退款

## 订单

orders-new = 新建订单
orders-description-optional = 描述（可选）
orders-create = 创建订单
orders-recent = 最近的订单
orders-show = 显示
orders-filter = 筛选
orders-none = 这里没有订单。
orders-order = 订单
orders-older = 更早的订单
filter-all = 全部订单
filter-waiting = 待付款
filter-paid = 已付款
filter-refunded = 已退款
filter-closed = 已关闭
order-title = 订单 { $id }
order-heading = 订单 { $id }：{ $amount }
order-waiting = 等待付款
order-paid = 已付款
order-closed = 已关闭
order-refunded = 已退款
order-refunded-amount = 已退款
order-no-such = 没有这个订单
order-no-such-text = 本店没有这个订单。
order-invalid-amount = 订单金额必须大于零且不超过 { $max }

## 退款

refund = 退款
refund-amount-at-most = 金额（{ $currency }，最多 { $left }）
refund-reason = 原因（付款人可见）
refund-review = 核对退款
refund-confirm-title = 确认退款
refund-confirm-heading = 退款 { $amount }？
refund-confirm-text = 订单 { $order } 的 { $amount } 将立即从店铺余额退还给付款人。此操作无法撤销。
refund-confirm-reason = 付款人看到的原因：{ $reason }
refund-button = 退款 { $amount }
cancel = 取消
refund-done = 已退款：付款人已收回款项。
refund-from-page = 请在退款页面上确认退款。
refund-positive = 退款金额必须是以 { $currency } 计的正数
refund-not-paid = 只有已付款的订单才能退款
refund-exceeds = 此订单最多还能退款 { $left }
refund-balance-low = 店铺余额不足以支付这笔退款

## 付款人或顾客会看到的文字

text-reason = 原因：{ $problem }
text-description = 描述：{ $problem }
text-empty = 不能为空
text-too-long = 最多 { $max } 个字符
text-control = 不能包含控制字符
text-invisible = 不能包含方向控制符或不可见字符（{ $char }）

## 收银台

till-reference-optional = 您的备注（可选）
till-code = 顾客的付款码（输入或扫描）
till-charge = 收款
till-default-reference = 收银台
till-from-page = 请从收银台页面提交这笔交易。
till-sent-already = 这笔交易已经提交过了；结果请看“今日”。
charge-paid = 已付款
charge-waiting = 等待顾客在手机上确认
charge-canceled = 未付款：顾客拒绝了，或者一分钟已过
charge-no-such = 没有这笔收款
charge-no-such-text = 本店没有这笔收款。
paycode-invalid = 不是当前的付款码；请顾客重新出示付款码
paycode-used = 这个付款码已经扣过款了；请顾客出示下一个
paycode-stale = 这个付款码已过期；请顾客出示屏幕上现在的付款码
paycode-expired = 顾客的手机需要联网以更新付款码
paycode-revoked = 这部手机已从其账户中移除
paycode-self = 店铺不能向自己的账户收款

## 限额：收款或提现

over-per-payment = 单笔付款最多 { $limit }
over-per-payout = 单笔提现最多 { $limit }
over-per-day = 每日限额为 { $limit }；今天已付 { $spent }
over-after-recovery = 此设备最近刚恢复：暂时每天最多付款 { $limit }
over-funds-payment = 顾客的余额不足以支付这笔付款
over-funds-payout = 余额不足以完成这笔提现

## 提现

payouts-balance = 余额：
payouts-new = 提现到银行
payouts-explain = 控制台只发起请求：每笔提现都须在十分钟内由店铺的手机用其支付密钥确认（在应用中，或运行 { $command }）。
payouts-no-bank = 店铺还没有绑定银行账户。请先在店铺的手机上绑定一个。
payouts-ask = 请手机确认提现
payouts-recent = 最近的提现
payouts-none = 还没有提现。
payouts-asked = 发起时间（UTC）
payouts-from-page = 请从提现页面发起提现。
payouts-not-a-bank = 请选择店铺的一个银行账户
payout-waiting = 等待店铺的手机确认
payout-paid = 已到账
payout-returned = 被银行退回：款项已回到余额
payout-confirmed = 已确认：正在转往银行
payout-declined = 已在店铺的手机上拒绝
payout-expired = 未及时确认
payout-no-such = 没有这笔提现
payout-no-such-text = 本店没有发起过这笔提现。

## 收款码海报

poster-heading = 您店铺的收款码
poster-text = 打印出来放在收银台旁：付款人扫码后输入金额。
poster-alt = 店铺的收款码，下方是 { $shop }
poster-svg = 下载海报（SVG）
poster-png = 下载海报（PNG）
poster-no-font = 没有适合这个名称的字体
poster-no-font-text = 服务器上没有任何字体包含字符 { $char }，PNG 打印出的名称会缺字。SVG 海报可以显示任何文字的名称；或者请后端的运维人员安装包含该字符的字体。

## 开发者

dev-endpoint = Webhook 地址
dev-endpoint-text = Purse 会把已签名的 { $paid } 和 { $refunded } 发送到这里（Standard Webhooks）。
dev-address = 地址（https；留空表示不发送）
dev-save = 保存地址
dev-saved = 已保存：Webhook 将发往新地址。
dev-bad-address = 这个地址不能接收 Webhook：{ $problem }
dev-secret = 签名密钥
dev-secret-new = 您的新签名密钥只显示这一次：请现在复制到您的服务器。
dev-secret-old = 密钥只在生成时显示一次。新密钥会立即替换旧密钥。
dev-secret-make = 生成新密钥
dev-messages = 已发送的消息
dev-none = 还没有消息。
dev-event = 事件
dev-status = 状态
dev-attempts = 尝试次数
dev-last-error = 最近的错误
dev-action = 操作
dev-resend = 重新发送
dev-resend-label = 重新发送 { $created } 的 { $event } 消息
dev-resent = 消息将重新发送：几秒内发出。
dev-delivered = 已送达
dev-waiting = 等待中
dev-failing = 失败，正在重试
dev-no-such = 没有这条消息
dev-no-such-text = 本店没有发送过这条消息。

## 登录、退出与拒绝

signin-title = 登录
signin-not = 您尚未登录控制台。
signin-refused = 未登录
signin-malformed = 这不是登录链接。
signin-expired = 这个登录链接已过期：链接的有效期为 2 分钟。
signin-not-valid = 这个登录链接无效。
signin-used = 这个登录链接已被使用：每个链接只能用一次。
signin-not-merchant = 这个账户没有注册为商户。
signed-out = 已退出
signed-out-text = 您已退出控制台。
refused = 已拒绝
forged-form = 这个表单不是来自您的控制台页面。未执行任何操作。
went-wrong = 出错了
went-wrong-text = 控制台无法完成此操作。没有做任何更改；请重试。
