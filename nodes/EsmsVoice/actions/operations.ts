/** Values of the "… and Wait for Result" operations; each shares the fields of its base operation. */
export const RECORDING_WAIT_OPERATION = 'makeCallAndWait';
export const TEMPLATE_WAIT_OPERATION = 'makeCallFromTemplateAndWait';
export const WAIT_OPERATIONS = [RECORDING_WAIT_OPERATION, TEMPLATE_WAIT_OPERATION];
