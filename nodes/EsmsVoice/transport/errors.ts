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
		meaning: 'Call or message ID not found',
		action: 'Check the ID (the referenceId returned when the call or voice OTP was sent) and its kind in Get Status. One sent seconds ago may not be queryable yet: wait and try again.',
	},
	'106': {
		meaning: 'The recording does not exist',
		action: 'Check the Recording ID on account.esms.vn; it must be an uploaded, approved recording of this account.',
	},
	'108': {
		meaning: 'The phone number is in a wrong format',
		action: 'Use a Vietnamese number such as 0912345678 or +84 912 345 678.',
	},
	'110': {
		meaning: 'The request data is invalid',
		action: "eSMS rejected a field value (for example the key, speed or schedule). Check the node's fields against this README's tables; if they look right, ask eSMS support which value it refuses.",
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
	'143': {
		meaning: 'The account is not activated, or it is locked',
		action: 'Log in to account.esms.vn to finish activation, or ask eSMS support why the account is locked.',
	},
	'146': {
		meaning: 'Wrong customer-care template',
		action: 'Check the template on account.esms.vn; it must be approved for this kind of call.',
	},
	'160': {
		meaning: 'Too many requests per second for this account (nothing was placed)',
		action: 'The node already waited and sent it again several times. Lower Options > Calls per Second, or ask eSMS support for a higher limit.',
	},
	'163': {
		meaning: 'More than one phone number in one request',
		action: 'Voice OTP takes exactly one phone number per item; split the list into one item per number.',
	},
	'177': {
		meaning: 'The network operator is not registered',
		action: "Your account cannot call this operator's numbers; ask eSMS support to register it.",
	},
	'199': {
		meaning: 'The same request already exists and is being processed',
		action: 'eSMS is still handling an identical request; wait a moment, then check with Get Status before sending again.',
	},
	'201': {
		meaning: 'The content holds a blocked keyword',
		action: 'Reword the content (avoid words eSMS blocks) or ask eSMS support which word is refused.',
	},
	'210': {
		meaning: 'The payload is invalid',
		action: "eSMS could not read the request. Check the node's fields; if the error stays, ask eSMS support.",
	},
	'300': {
		meaning: 'The message type is missing',
		action: 'The request reached eSMS without its type; update this node package or report it as a bug.',
	},
	'301': {
		meaning: 'The service type is not supported',
		action: 'Your account is not set up for this service (voice calls or voice OTP); ask eSMS support.',
	},
};

export function describeEsmsCode(code: string, errorMessage?: string): EsmsCodeInfo {
	const known = ESMS_CODES[code];
	if (known) return known;
	return {
		meaning: errorMessage ? `eSMS refused the request: ${errorMessage}` : 'eSMS refused the request',
		action: `Code ${code || '(none)'} is not in eSMS's published error table. See the error code list on developers.esms.vn or ask eSMS support what it means.`,
	};
}
