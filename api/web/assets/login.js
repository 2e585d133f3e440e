import { api, ApiError, clearLogin, h, hasRole, saveLogin } from './common.js';

const DEMO = [
  ['street_a', '甲街道办事处'], ['street_a_wang', '甲街道办事处（同事）'], ['street_b', '乙街道办事处'], ['village_a1', '甲街道东村村委会'],
  ['village_b1', '乙街道西村村委会'], ['community_a1', '和平社区居委会'], ['community_b1', '幸福社区居委会'],
  ['civil_affairs', '区人社民政局'], ['civil_affairs_qian', '区人社民政局（同事）'], ['district_gov', '管委会（区政府）'], ['civil_upper', '新区人社民政局'],
  ['natural_resources', '自然资源局'], ['housing', '规划住建局'], ['developer', '华兴置业（开发建设单位）'],
  ['leadership', '社区建设领导小组'], ['department', '区直职能部门'],
  ['grid_a1', '和平社区网格员'], ['dept_urban', '城市管理和综合执法局（职能部门）'],
  ['dept_housing', '住房和城乡建设局（职能部门）'], ['dept_emergency', '应急管理局（职能部门）'],
  ['owner', '流程管理员'], ['auditor', '审计'], ['admin', '系统管理员'],
];

// Only a page of this site: '/\evil.example' or '/\t/evil.example' would leave it.
function sameOrigin(next) {
  if (!next) return null;
  try {
    const url = new URL(next, location.origin);
    return url.origin === location.origin ? url.pathname + url.search + url.hash : null;
  } catch {
    return null;
  }
}

function landing(user) {
  const next = sameOrigin(new URLSearchParams(location.search).get('next'));
  if (next) return next;
  if (hasRole(user, 'process_owner')) return '/definitions';
  if (hasRole(user, 'auditor')) return '/audit';
  return '/inbox';
}

function main() {
  clearLogin();
  const app = document.getElementById('app');
  const message = h('div.form-message', { role: 'alert' });
  const username = h('input#username', { name: 'username', autocomplete: 'username', required: true });
  const password = h('input#password', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button.primary', { type: 'submit' }, '登录');
  const form = h('form.card.login', {
    onSubmit: async (event) => {
      event.preventDefault();
      message.textContent = '';
      submit.disabled = true;
      try {
        const { body } = await api('/auth/token', { method: 'POST', json: { username: username.value.trim(), password: password.value } });
        saveLogin(body.token, { username: username.value.trim(), roles: [] });
        const who = await api('/me', { allow: [404, 405] });
        const user = who.status === 200 ? who.body : { username: username.value.trim(), roles: [] };
        saveLogin(body.token, user);
        location.assign(landing(user));
      } catch (error) {
        message.textContent = error instanceof ApiError && error.status === 401
          ? '用户名或密码错误' : `登录失败：${error.message}`;
        submit.disabled = false;
      }
    },
  },
  h('h1', {}, '登录'),
  h('label', { for: 'username' }, '用户名'), username,
  h('label', { for: 'password' }, '密码'), password,
  message, submit);
  const demo = h('div.card.demo', {},
    h('h2', {}, '演示账号（密码均为 demo）'),
    h('ul', {}, DEMO.map(([name, label]) => h('li', {},
      h('button.link', { type: 'button', onClick: () => { username.value = name; password.value = 'demo'; password.focus(); } }, name),
      ` ${label}`))));
  app.innerHTML = '';
  const lookup = h('p.muted.progress-link', {}, '申请人查询办理进度：', h('a', { href: '/progress' }, '办件进度查询'));
  app.append(h('div.login-page', {}, h('div', {}, form, lookup), demo));
  username.focus();
}

main();
