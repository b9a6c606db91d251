import { smsKeywordOf } from './sms-keywords';

describe('smsKeywordOf', () => {
  it.each([
    ['STOP', 'opt_out'],
    ['stop', 'opt_out'],
    ['  Stop \n', 'opt_out'],
    ['STOPALL', 'opt_out'],
    ['unsubscribe', 'opt_out'],
    ['Cancel', 'opt_out'],
    ['END', 'opt_out'],
    ['quit', 'opt_out'],
    ['START', 'opt_in'],
    ['yes', 'opt_in'],
    ['Unstop', 'opt_in'],
    ['help', 'help'],
  ])('reads %j as %s', (body, keyword) => {
    expect(smsKeywordOf(body)).toBe(keyword);
  });

  it.each(['please stop texting me', 'STOP!', 'stop it', 'start over', '', 'yes please'])(
    'leaves %j an ordinary message: only the whole body is a keyword',
    (body) => {
      expect(smsKeywordOf(body)).toBeNull();
    },
  );
});
