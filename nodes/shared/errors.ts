/** What each eSMS answer code means and what the user can do about it. */
export interface EsmsCodeInfo {
	meaning: string;
	action: string;
}

export const ESMS_CODES: Record<string, EsmsCodeInfo> = {
	'99': {
		meaning: 'The phone number is blocked',
		action: 'The number refused calls from your account or is on a block list; remove it from your list.',
	},
	'101': {
		meaning: 'Wrong ApiKey or SecretKey',
		action: 'Copy both keys again from account.esms.vn (Settings > API Key) into the eSMS API credential.',
	},
	'102': {
		meaning: 'No price list for the account',
		action: 'Ask eSMS support to set up voice-call pricing for your account.',
	},
	'103': {
		meaning: 'Balance too low',
		action: 'Top up your eSMS account, then run the workflow again.',
	},
	'104': {
		meaning: 'The brandname or call template does not exist',
		action: 'Check the Template ID on account.esms.vn; it must be an approved call script of this account.',
	},
	'105': {
		meaning: 'Call ID not found',
		action:
			'Check the Call ID (the SMSID returned by Make Call). A call made seconds ago may not be queryable yet: wait and try again.',
	},
	'106': {
		meaning: 'The recording does not exist',
		action: 'Check the Recording ID on account.esms.vn; it must be an uploaded, approved recording of this account.',
	},
	'108': {
		meaning: 'The phone number is in a wrong format',
		action: 'Use a Vietnamese number such as 0912345678 or +84 912 345 678.',
	},
	'118': {
		meaning: 'Unsupported message type',
		action: 'Voice OTP must be enabled for your account; ask eSMS support.',
	},
	'124': {
		meaning: 'Duplicate request ID',
		action: 'A request with this request ID was already accepted in the last 24 hours.',
	},
	'140': {
		meaning: 'The caller IP address is not whitelisted',
		action: "Add your n8n server's public IP address to the whitelist on account.esms.vn, or turn the whitelist off.",
	},
	'146': {
		meaning: 'Wrong customer-care template',
		action: 'Check the template on account.esms.vn; it must be approved for this kind of call.',
	},
	'177': {
		meaning: 'The network operator is not registered',
		action: "Your account cannot call this operator's numbers; ask eSMS support to register it.",
	},
};

export function describeEsmsCode(code: string, errorMessage?: string): EsmsCodeInfo {
	const known = ESMS_CODES[code];
	if (known) return known;
	return {
		meaning: errorMessage ? `eSMS refused the request: ${errorMessage}` : 'eSMS refused the request',
		action: 'See the eSMS error code list on developers.esms.vn or ask eSMS support.',
	};
}
