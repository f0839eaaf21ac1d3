/**
 * The ApiKey/SecretKey travel in query strings and bodies, and a wait operation's CallbackUrl
 * carries n8n's resume token (`signature=`), so any text that might echo a request (an error from
 * the HTTP layer, an eSMS ErrorMessage) is scrubbed before it reaches the user. An echo may hold
 * them plain, URL-encoded once (a query parameter's value) or twice (a URL inside a URL inside a
 * query), or JSON-quoted: each form is scrubbed wherever it appears.
 */

/** "%" as written after 0, 1 or 2 rounds of URL-encoding ("%", "%25", "%2525"). */
const PCT = '%(?:25){0,2}';
/** An encoded character, e.g. `enc('3D')` matches "%3D", "%253D", "%25253D". */
const enc = (hex: string): string => `${PCT}${hex}`;

/** Between a secret's name and its value: `=`, `:`, `": "`, or their encoded forms. */
const SEPARATOR = `(?:["']?\\s*[=:]\\s*["']?|${enc('3D')}|${enc('22')}${enc('3A')}(?:${enc('20')})?${enc('22')}|${enc('3A')})`;
/** A value runs until a delimiter of any encoding: &, quote, comma, brace, space (plain or encoded). */
const VALUE = `(?:(?!${enc('(?:26|22|27|2C|7D|20|23)')})[^&\\s"',}#<>])+`;

const SECRET_NAMES = '(?:api|secret)[_-]?key|signature';
const SECRET_PARAM = new RegExp(`((?:${SECRET_NAMES})["']?${SEPARATOR})${VALUE}`, 'gi');

/** Plain URLs (also JSON-escaped "https:\/\/"): the query string is dropped. */
const URL_QUERY = /(https?:(?:\\?\/){2}[^\s?#"']+)\?[^\s#"']*/gi;
/** URL-encoded URLs ("https%3A%2F%2F…%3F…", once or twice): from the encoded "?" to the value's end. */
const ENCODED_URL_QUERY = new RegExp(
	`(https?${enc('3A')}${enc('2F')}${enc('2F')}(?:(?!${enc('3F')})[^\\s?#&"'<>])*)(${enc('3F')})[^\\s#&"'<>]*`,
	'gi',
);

function encodings(secret: string): string[] {
	const once = encodeURIComponent(secret);
	const forms = [secret, once, encodeURIComponent(once), once.replace(/%20/g, '+')];
	return [...new Set(forms)];
}

export function redactSecrets(text: string, secrets: Array<string | undefined> = []): string {
	let result = text;
	// The known values first, whole: the patterns below may cut a value at an encoded "&" in it.
	for (const secret of secrets) {
		if (!secret || secret.length < 4) continue;
		// Longest form first: a raw secret inside its own encoding must not leave half of it.
		for (const form of encodings(secret).sort((a, b) => b.length - a.length)) result = result.split(form).join('***');
	}
	return result
		.replace(URL_QUERY, '$1?…')
		.replace(ENCODED_URL_QUERY, '$1$2…')
		.replace(SECRET_PARAM, '$1***');
}
