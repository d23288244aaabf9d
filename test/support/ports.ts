/** Tests pick free ports the way the VM backend picks its SSH port. */
export { freePort } from '../../electron/main/free-port';
